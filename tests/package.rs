//! The package's conventions that can drift: the Rust version it says it needs.

mod common;

use std::process::Command;
use std::time::Duration;

/// `1.91` or `1.91.0` as (1, 91, 0).
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().expect("a numeric version"));
    let major = parts.next().unwrap();
    (major, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// What `cargo ARGS` prints for this package, offline, with a deadline.
fn cargo(args: &[&str]) -> Vec<u8> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = common::output_within(
        Command::new(cargo)
            .args(args)
            .arg("--offline")
            .arg("--manifest-path")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")),
        Duration::from_secs(120),
        &format!("cargo {args:?}"),
    );
    assert!(
        o.status.success(),
        "cargo {args:?} failed: {}",
        common::stderr(&o)
    );
    o.stdout
}

/// The platform this test runs on (`x86_64-unknown-linux-gnu`), from `rustc -vV`.
fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let o = common::output_within(
        Command::new(rustc).arg("-vV"),
        Duration::from_secs(60),
        "rustc -vV",
    );
    let out = String::from_utf8(o.stdout).expect("rustc -vV prints UTF-8");
    out.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// `cargo metadata` of the locked dependency graph, for this platform: offline, only the
/// packages a build here downloaded are at hand (not, say, Android's or Windows' own crates),
/// and a fresh clone's `cargo test` has downloaded no others.
fn metadata() -> serde_json::Value {
    let host = host();
    let out = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--filter-platform",
        &host,
    ]);
    serde_json::from_slice(&out).expect("cargo metadata prints JSON")
}

/// The published package holds what building, installing and testing it need: every built-in KB
/// file (compiled in), the schema, the docs the tests run, the licenses; and not fuzzing or CI.
#[test]
fn the_package_holds_the_built_in_kb_docs_and_licenses() {
    let list = String::from_utf8(cargo(&["package", "--list", "--allow-dirty"])).unwrap();
    let files: Vec<&str> = list.lines().collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut kb_files = 0;
    for entry in std::fs::read_dir(root.join("assets/kb")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let path = format!("assets/kb/{name}");
        assert!(files.contains(&path.as_str()), "{path} is not packaged");
        kb_files += 1;
    }
    assert_eq!(kb_files, marketlens::kb::load::BUILT_IN.len());
    for path in [
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "README.md",
        "assets/marketlens.schema.json",
        "docs/search.md",
        "src/main.rs",
        "tests/docs.rs",
        "tests/fixtures/bad/dangling_deal_vendor.toml",
        "Cargo.lock",
    ] {
        assert!(files.contains(&path), "{path} is not packaged");
    }
    for path in &files {
        assert!(
            !path.starts_with("fuzz/") && !path.starts_with(".ci/") && !path.starts_with("target/"),
            "{path} should not be packaged"
        );
    }
}

/// `rust-version` is at least every locked dependency's (the build fails on an older toolchain
/// otherwise), and the README states the same. It said 1.85 while notify-types needed 1.91.
#[test]
fn rust_version_covers_the_locked_dependencies_and_the_readme_agrees() {
    let meta = metadata();
    let packages = meta["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "marketlens")
        .expect("this package");
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml sets rust-version");
    let (needed, by) = packages
        .iter()
        .filter(|p| p["name"] != "marketlens")
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .expect("dependencies with a rust-version");
    assert!(
        version(declared) >= needed,
        "rust-version {declared} is older than {by}'s {needed:?}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let (major, minor, _) = version(declared);
    let stated = format!("{major}.{minor} or newer");
    assert!(
        readme.contains(&stated),
        "README.md should say the toolchain is {stated}"
    );
}
