//! The "msrv" check of `cargo xtask test`: the `rust-version` that each workspace crate declares
//! must be at least the highest `rust-version` among the dependencies locked in `Cargo.lock`.
//!
//! Otherwise the declared version is a lie: a user on it gets a build error from a dependency
//! instead of Cargo's clear "requires rustc X" message (and Cargo's MSRV-aware resolver picks
//! dependency versions by it). The data is `cargo metadata --format-version 1`: every package
//! carries `rust_version` (null when it declares none); `workspace_members` names ours.
//! Raising a dependency (`cargo update`) past our `rust-version` makes this check fail until
//! the workspace's `rust-version` in the root `Cargo.toml` is raised too.

use crate::json::{self, Value};

/// A `rust-version` as `(major, minor, patch)`; `"1.85"` is `(1, 85, 0)`.
fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

/// One package of the metadata: `(name, version, rust_version)`.
fn packages(meta: &Value) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
    meta.get("packages")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .map(|p| {
            (
                p.str_at(&["name"]).unwrap_or("?"),
                p.str_at(&["version"]).unwrap_or("?"),
                p.str_at(&["rust_version"]),
            )
        })
}

/// The problems found in `cargo metadata` output: a workspace crate whose `rust-version` is
/// missing, unreadable or lower than a dependency's. Empty when all is well.
pub fn violations(meta: &Value) -> Vec<String> {
    let members: Vec<&str> = meta
        .get("workspace_members")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let is_member = |id: &str| members.contains(&id);
    let all = meta
        .get("packages")
        .and_then(Value::as_array)
        .unwrap_or_default();
    let ids = all.iter().map(|p| p.str_at(&["id"]).unwrap_or(""));
    // The dependency with the highest rust-version.
    let highest = packages(meta)
        .zip(ids.clone())
        .filter(|(_, id)| !is_member(id))
        .filter_map(|((name, version, rv), _)| Some((parse_version(rv?)?, name, version)))
        .max();
    let mut problems = Vec::new();
    for ((name, _, rv), _) in packages(meta).zip(ids).filter(|(_, id)| is_member(id)) {
        let Some(rv) = rv else {
            problems.push(format!("{name}: no rust-version in its Cargo.toml"));
            continue;
        };
        let Some(ours) = parse_version(rv) else {
            problems.push(format!("{name}: rust-version `{rv}` is not a version"));
            continue;
        };
        if let Some((theirs, dep, dep_version)) = highest {
            if ours < theirs {
                problems.push(format!(
                    "{name}: rust-version {rv} is lower than {}.{}.{} required by {dep} {dep_version} \
                     (Cargo.lock); raise `rust-version` in the root Cargo.toml",
                    theirs.0, theirs.1, theirs.2
                ));
            }
        }
    }
    problems
}

/// Runs `cargo metadata` and returns the problems ([`violations`]).
///
/// # Errors
///
/// If cargo cannot be run or its output is not the expected JSON.
pub fn check() -> crate::Result<Vec<String>> {
    let out = crate::cargo()
        .args(["metadata", "--format-version", "1"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err("cargo metadata failed (see its message above)".into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let meta = json::parse(&text).map_err(|e| format!("cargo metadata: bad JSON: {e}"))?;
    Ok(violations(&meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(ours: &str, tokio: &str) -> Value {
        json::parse(&format!(
            r#"{{"packages":[
                {{"id":"path+file:///w/a#0.1.0","name":"a","version":"0.1.0","rust_version":{ours}}},
                {{"id":"registry+x#tokio@1.54.1","name":"tokio","version":"1.54.1","rust_version":{tokio}}},
                {{"id":"registry+x#libc@0.2.1","name":"libc","version":"0.2.1","rust_version":null}}
              ],
              "workspace_members":["path+file:///w/a#0.1.0"]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("1.85"), Some((1, 85, 0)));
        assert_eq!(parse_version("1.85.1"), Some((1, 85, 1)));
        assert!(parse_version("1.x").is_none());
        assert!((1, 9, 0) < parse_version("1.10").unwrap());
    }

    #[test]
    fn lower_than_a_dependency_fails_naming_it() {
        let v = violations(&meta(r#""1.80""#, r#""1.85""#));
        assert_eq!(v.len(), 1);
        assert!(v[0].contains("a: rust-version 1.80 is lower than 1.85.0 required by tokio 1.54.1"));
    }

    #[test]
    fn equal_or_higher_passes() {
        assert!(violations(&meta(r#""1.85""#, r#""1.85""#)).is_empty());
        assert!(violations(&meta(r#""1.86.0""#, r#""1.85""#)).is_empty());
    }

    #[test]
    fn missing_rust_version_fails() {
        assert_eq!(violations(&meta("null", r#""1.85""#)).len(), 1);
    }
}
