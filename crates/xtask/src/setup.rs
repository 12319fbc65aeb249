//! `cargo xtask setup`: install everything building and testing need, idempotently.
//!
//! Every step first checks whether its work is already done, so a second run is a fast no-op.
//! Installs go through the ordinary clients (rustup, cargo, apt-get, npm); nothing downloads a
//! browser or a tool binary behind their back.

use std::path::Path;
use std::time::Duration;

use crate::util::{Result, cmd, fnv1a, human, node_bin, on_path, root, run, stdout_of, timed};
use crate::vendor;

/// The Trunk release line we support (0.22 needs a newer rustc than 1.95).
const TRUNK_VERSION: &str = "0.21.14";
/// Cold `cargo install` of these tools spends minutes in fat LTO; a thin build is fast enough.
const FAST_INSTALL_ENV: [(&str, &str); 2] = [
    ("CARGO_PROFILE_RELEASE_LTO", "false"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
];
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Written into `node_modules/` after a successful `npm ci`: the hash of the npm manifests.
const NPM_STAMP: &str = ".podsec-stamp";

/// A setup step: does its work if needed and says what it did.
type SetupStep = fn() -> Result<String>;

/// `cargo xtask setup`.
pub(crate) fn run_command(args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!("`setup` takes no arguments, got `{arg}`"));
    }
    ensure()
}

/// Runs every setup step, printing what each did and how long it took.
pub(crate) fn ensure() -> Result {
    println!("setup: checking the toolchain");
    let steps: [(&str, SetupStep); 9] = [
        ("wasm32 target", wasm_target),
        ("wasm-bindgen-cli", wasm_bindgen_cli),
        ("trunk", trunk),
        ("chromium", chromium),
        ("npm packages", npm_packages),
        ("editor bundle packages", vendor::install),
        ("yaml oracle", yaml_oracle),
        ("pre-commit", pre_commit),
        ("versions agree", versions_agree),
    ];
    let mut total = Duration::ZERO;
    for (name, step) in steps {
        let (result, took) = timed(step);
        total += took;
        match result {
            Ok(what) => println!("setup: {name}: {what} ({})", human(took)),
            Err(message) => {
                println!("setup: {name}: FAILED ({})", human(took));
                return Err(format!("setup step `{name}` failed: {message}"));
            }
        }
    }
    println!("setup: done in {}", human(total));
    Ok(())
}

fn wasm_target() -> Result<String> {
    let installed = stdout_of(&mut cmd("rustup", &["target", "list", "--installed"]))
        .ok_or("`rustup target list --installed` failed; is rustup installed?")?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok("already installed".into());
    }
    run(&mut cmd(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))?;
    Ok("installed".into())
}

fn wasm_bindgen_cli() -> Result<String> {
    let wanted = locked_wasm_bindgen()?;
    let current = installed_wasm_bindgen();
    if current.as_deref() == Some(wanted.as_str()) {
        return Ok(format!("{wanted} already installed"));
    }
    // `--locked` fails for this crate: a locked dependency version is gone from the registry.
    let mut install = cmd(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ],
    );
    install.envs(FAST_INSTALL_ENV);
    run(&mut install)?;
    Ok(match current {
        Some(old) => format!("replaced {old} by {wanted}"),
        None => format!("installed {wanted}"),
    })
}

fn trunk() -> Result<String> {
    let current = stdout_of(&mut cmd("trunk", &["--version"]));
    if let Some(version) = current.as_deref().and_then(|v| v.strip_prefix("trunk "))
        && version.starts_with("0.21.")
    {
        return Ok(format!("{version} already installed"));
    }
    let mut install = cmd(
        "cargo",
        &[
            "install",
            "--locked",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--force",
        ],
    );
    install.envs(FAST_INSTALL_ENV);
    run(&mut install)?;
    Ok(format!("installed {TRUNK_VERSION}"))
}

fn chromium() -> Result<String> {
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        return Ok("chromium and chromedriver present".into());
    }
    apt_install(&["chromium", "chromium-driver"])?;
    Ok("installed chromium and chromium-driver".into())
}

/// The pre-commit release the hook test (crates/podsec-cli/tests) runs our `.pre-commit-hooks.yaml`
/// with, from PyPI.
const PRE_COMMIT_VERSION: &str = "4.7.0";

fn pre_commit() -> Result<String> {
    let current = stdout_of(&mut cmd("pre-commit", &["--version"]));
    if current.as_deref().map(str::trim) == Some(&format!("pre-commit {PRE_COMMIT_VERSION}")) {
        return Ok(format!("{PRE_COMMIT_VERSION} already installed"));
    }
    let python = if on_path("python3") {
        "python3"
    } else {
        "python"
    };
    run(&mut cmd(
        python,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("pre-commit=={PRE_COMMIT_VERSION}"),
        ],
    ))?;
    Ok(format!("installed pre-commit {PRE_COMMIT_VERSION}"))
}

/// Go's sources of Kubernetes' YAML decoder, as Debian packages them.
const GO_YAML_SOURCES: &str = "/usr/share/gocode/src/sigs.k8s.io/yaml/yaml.go";

/// Builds `target/yaml-oracle` (tests/yaml-oracle/main.go): Kubernetes' own YAML decoder, from
/// Debian's Go packages, offline. The YAML fidelity test compares podsec with it.
fn yaml_oracle() -> Result<String> {
    let source = root().join("tests/yaml-oracle/main.go");
    let binary = root().join("target/yaml-oracle");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(built), Some(src)) = (modified(&binary), modified(&source))
        && built >= src
    {
        return Ok("already built".into());
    }
    let mut installed = "";
    if !on_path("go") || !Path::new(GO_YAML_SOURCES).is_file() {
        apt_install(&[
            "golang-go",
            "golang-k8s-sigs-yaml-dev",
            "golang-gopkg-yaml.v2-dev",
        ])?;
        installed = "installed Go and the decoder's sources, ";
    }
    let mut build = cmd("go", &["build", "-o"]);
    build
        .arg(&binary)
        .arg("./tests/yaml-oracle")
        .current_dir(root())
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local");
    run(&mut build)?;
    Ok(format!("{installed}built target/yaml-oracle"))
}

fn npm_packages() -> Result<String> {
    if !on_path("npm") || !on_path("node") {
        apt_install(&["nodejs", "npm"])?;
    }
    let stamp_path = root().join("node_modules").join(NPM_STAMP);
    let wanted = npm_manifest_hash()?;
    let stamp = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    if stamp.trim() == wanted && node_bin().join("wasm-opt").exists() {
        return Ok("node_modules up to date".into());
    }
    let has_lock = root().join("package-lock.json").is_file();
    let args: &[&str] = if has_lock {
        &["ci", "--no-audit", "--no-fund"]
    } else {
        &["install", "--no-audit", "--no-fund"]
    };
    let mut npm = cmd("npm", args);
    // playwright-core never downloads a browser, but make sure nothing else tries either.
    npm.env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    run(&mut npm)?;
    // `npm install` may have just written the lock file: stamp what is there now.
    std::fs::write(&stamp_path, npm_manifest_hash()?)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    Ok(format!(
        "ran npm {}",
        args.first().copied().unwrap_or("install")
    ))
}

/// Checks that Cargo.lock, the installed CLI and Trunk.toml name the same wasm-bindgen, and that
/// the `wasm-opt` on the tool path is the one Trunk.toml asks for.
fn versions_agree() -> Result<String> {
    let locked = locked_wasm_bindgen()?;
    let installed = installed_wasm_bindgen().ok_or("`wasm-bindgen --version` failed")?;
    let trunk_toml = read(&root().join("Trunk.toml"))?;
    let configured = toml_string(&trunk_toml, "tools", "wasm_bindgen")
        .ok_or("Trunk.toml has no [tools] wasm_bindgen")?;
    if locked != installed || locked != configured {
        return Err(format!(
            "wasm-bindgen versions disagree: Cargo.lock {locked}, `wasm-bindgen --version` \
             {installed}, Trunk.toml [tools] {configured}. Make all three equal (after a \
             `cargo update`, set Trunk.toml and re-run `cargo xtask setup`)."
        ));
    }
    let wasm_opt = toml_string(&trunk_toml, "tools", "wasm_opt")
        .ok_or("Trunk.toml has no [tools] wasm_opt")?;
    let opt_version = stdout_of(&mut cmd("wasm-opt", &["--version"]))
        .ok_or("`wasm-opt --version` failed (expected npm binaryen in node_modules/.bin)")?;
    if !opt_version.contains(&format!("({wasm_opt})")) {
        return Err(format!(
            "Trunk.toml wants wasm-opt {wasm_opt}, but `wasm-opt --version` says `{opt_version}`; \
             align package.json's binaryen with Trunk.toml"
        ));
    }
    Ok(format!(
        "wasm-bindgen {locked} everywhere, wasm-opt {wasm_opt}"
    ))
}

/// The version of the `wasm-bindgen` package in Cargo.lock.
pub(crate) fn locked_wasm_bindgen() -> Result<String> {
    let lock = read(&root().join("Cargo.lock"))?;
    lock_version(&lock, "wasm-bindgen").ok_or_else(|| "Cargo.lock has no wasm-bindgen".into())
}

fn installed_wasm_bindgen() -> Option<String> {
    let out = stdout_of(&mut cmd("wasm-bindgen", &["--version"]))?;
    out.strip_prefix("wasm-bindgen ")
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_string)
}

/// The version of package `name` in a Cargo.lock text (the first one, if several).
fn lock_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = ")?;
            return Some(version.trim_matches('"').to_string());
        }
    }
    None
}

/// A string value `key = "value"` inside `[section]` of a simple TOML text.
fn toml_string(text: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut inside = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.starts_with('[') {
            inside = line == header;
        } else if inside
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == key
        {
            return Some(v.trim().trim_matches('"').to_string());
        }
    }
    None
}

fn npm_manifest_hash() -> Result<String> {
    let mut bytes = read(&root().join("package.json"))?.into_bytes();
    bytes.extend(std::fs::read(root().join("package-lock.json")).unwrap_or_default());
    Ok(format!("{:016x}", fnv1a(&bytes)))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Installs Debian packages, or explains what to do where we cannot.
fn apt_install(packages: &[&str]) -> Result {
    let list = packages.join(" ");
    let debian = Path::new("/etc/debian_version").is_file();
    let is_root = stdout_of(&mut cmd("id", &["-u"])).as_deref() == Some("0");
    if !debian {
        return Err(format!(
            "not a Debian system: install {list} with your package manager \
             (the tests expect {CHROMIUM} and {CHROMEDRIVER}), then re-run `cargo xtask setup`"
        ));
    }
    if !is_root {
        return Err(format!(
            "not root: run `sudo apt-get update && sudo apt-get install -y {list}`, \
             then re-run `cargo xtask setup`"
        ));
    }
    let mut update = cmd("apt-get", &["update"]);
    update.env("DEBIAN_FRONTEND", "noninteractive");
    run(&mut update)?;
    let mut install = cmd("apt-get", &["install", "-y"]);
    install
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(&mut install)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_lock_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "yew"), None);
    }

    #[test]
    fn reads_a_toml_string() {
        let toml = "[build]\nwasm_bindgen = \"no\"\n\n[tools]\n# comment\nwasm_bindgen = \"0.2.130\"   # pinned\n";
        assert_eq!(
            toml_string(toml, "tools", "wasm_bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(toml_string(toml, "tools", "wasm_opt"), None);
    }

    #[test]
    fn the_repository_versions_agree() {
        let trunk_toml = read(&root().join("Trunk.toml")).unwrap_or_default();
        let configured = toml_string(&trunk_toml, "tools", "wasm_bindgen");
        assert_eq!(
            locked_wasm_bindgen().ok(),
            configured,
            "Cargo.lock vs Trunk.toml"
        );
    }
}
