//! The config file through the binary: `config --check` on broken fixtures (each names its
//! expected problems in `# expect:` lines), `config --default` reading back clean, `config --path`,
//! and the config's KB used when `--kb` is not given.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_marketlens");

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

/// `marketlens ARGS` in `dir`, with no config file but the ones named.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("MARKETLENS_CONFIG")
        .env("XDG_CONFIG_HOME", dir.join("no-such-config-folder"))
        .output()
        .expect("run marketlens")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn each_broken_fixture_reports_its_problems() {
    let mut seen = 0;
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(!expected.is_empty(), "{name} names no expected problem");
        let out = run(&fixtures(), &["config", "--check", "--config", name]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        for want in &expected {
            assert!(
                err.lines().any(|l| l.starts_with(want)),
                "{name}: no line starting {want:?} in\n{err}"
            );
        }
        let headlines = err.lines().filter(|l| l.contains(": error: ")).count();
        assert_eq!(headlines, expected.len(), "{name}: {err}");
        // A caret points at each problem.
        assert!(err.contains('^'), "{name}: {err}");
        seen += 1;
        // The other commands go on, and say there is a problem.
        let out = run(&fixtures(), &["--config", name, "check"]);
        assert_eq!(out.status.code(), Some(0), "{name}: check of the built-in KB");
        assert!(
            stderr(&out).contains("warning: the config file has"),
            "{name}: {}",
            stderr(&out)
        );
    }
    assert!(seen >= 8, "only {seen} fixtures");
}

#[test]
fn the_default_file_reads_back_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["config", "--default"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n[keys]\n") && text.contains("\n[theme]\n"),
        "{text}"
    );
    assert!(text.contains("quit = [\"q\", \"Ctrl-c\"]"), "{text}");
    std::fs::write(dir.path().join("c.toml"), &text).unwrap();
    let out = run(dir.path(), &["config", "--check", "--config", "c.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "c.toml: ok\n");
}

#[test]
fn path_names_the_platform_place_or_the_named_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["config", "--path"]);
    assert!(out.status.success());
    let expected = dir.path().join("no-such-config-folder/marketlens/config.toml");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        expected.display().to_string()
    );
    assert!(stderr(&out).contains("the defaults apply"), "{}", stderr(&out));
    let out = Command::new(BIN)
        .args(["config", "--path"])
        .env("MARKETLENS_CONFIG", "/elsewhere/m.toml")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        "/elsewhere/m.toml"
    );
    // No file where nobody named one is no problem.
    let out = run(dir.path(), &["config", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A file named but missing is one.
    let out = run(dir.path(), &["config", "--check", "--config", "missing.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read the config file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_configs_kb_is_used_without_kb() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir_all(conf.join("marketlens")).unwrap();
    std::fs::write(
        dir.path().join("mini.toml"),
        "[[source]]\nid = \"s1\"\ntitle = \"One\"\npublisher = \"P\"\ndate = \"2025-01-01\"\nurl = \"https://example.com/1\"\n",
    )
    .unwrap();
    // Relative to the config file: `../../mini.toml` from conf/marketlens/.
    std::fs::write(conf.join("marketlens/config.toml"), "kb = \"../../mini.toml\"\n").unwrap();
    let out = Command::new(BIN)
        .arg("check")
        .current_dir(dir.path())
        .env_remove("MARKETLENS_CONFIG")
        .env("XDG_CONFIG_HOME", &conf)
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("mini.toml: 1 source"),
        "the config's KB was checked: {said}"
    );
    // --kb wins over it.
    let out = Command::new(BIN)
        .args(["check", "--kb", "nowhere.toml"])
        .current_dir(dir.path())
        .env_remove("MARKETLENS_CONFIG")
        .env("XDG_CONFIG_HOME", &conf)
        .output()
        .unwrap();
    assert!(stderr(&out).contains("nowhere.toml"), "{}", stderr(&out));
}

/// The example in docs/usage.md's "Configure" reads without a problem.
#[test]
fn the_usage_example_is_a_clean_config() {
    let usage = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/usage.md")).unwrap();
    let section = &usage[usage.find("## Configure").expect("a Configure section")..];
    let start = section.find("```toml\n").expect("a toml example") + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    assert!(
        example.contains("[keys]") && example.contains("[theme]"),
        "{example}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.toml"), example).unwrap();
    let out = run(dir.path(), &["config", "--check", "--config", "c.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
