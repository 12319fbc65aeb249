//! Names the learner's texts (`assets/learner-text.json`, fetched on demand by `src/learner.rs`)
//! by a hash of their content, so the page asks for the file it was built with and a new text makes
//! a new page wasm (and so a new service-worker cache).

fn main() {
    let path = "assets/learner-text.json";
    println!("cargo:rerun-if-changed={path}");
    let bytes = std::fs::read(path).unwrap_or_default();
    // FNV-1a, 64 bits.
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    println!("cargo:rustc-env=PODSEC_LEARNER_TEXT_HASH={hash:016x}");
}
