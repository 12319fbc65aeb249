//! `cargo xtask oracle [DOCS] [SEED]`: a long randomised session of the YAML fidelity test. It
//! compares podsec's reading of generated YAML documents with Kubernetes' own decoder
//! (`target/yaml-oracle`, built by `setup`). The default run in `cargo xtask test` uses 10,000
//! documents and a fixed seed; this one defaults to 200,000 documents and a seed from the clock,
//! printed so that a failure can be replayed with the same seed.

use crate::util::{Result, cmd, root, run};

pub(crate) fn run_command(args: &[String]) -> Result {
    let docs: u64 = match args.first() {
        Some(d) => d
            .parse()
            .map_err(|_| format!("DOCS must be a number, got `{d}`"))?,
        None => 200_000,
    };
    let seed: u64 = match args.get(1) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("SEED must be a number, got `{s}`"))?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs()),
    };
    crate::setup::ensure()?;
    println!("oracle: {docs} generated documents, seed {seed}");
    let mut test = cmd(
        "cargo",
        &[
            "test",
            "--release",
            "-p",
            "podsec",
            "--test",
            "yaml_oracle",
            "generated",
            "--",
            "--nocapture",
        ],
    );
    test.env("PODSEC_REQUIRE_ORACLE", "1")
        .env("PODSEC_YAML_ORACLE", root().join("target/yaml-oracle"))
        .env("PODSEC_ORACLE_DOCS", docs.to_string())
        .env("PODSEC_ORACLE_SEED", seed.to_string());
    run(&mut test)
}
