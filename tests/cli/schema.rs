//! `consentgen schema`: the JSON Schema accepts every bundled input file and
//! rejects a misspelt key, as the loader does.

use serde_json::Value;

use crate::util::{TestDir, root};

/// TOML as JSON, with dates as `YYYY-MM-DD` strings (as editors see them).
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn load(path: &std::path::Path) -> Value {
    toml_to_json(toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn schemas_accept_the_bundled_files_and_reject_unknown_keys() {
    let t = TestDir::new();
    let run = t.run(["schema"]).ok();
    let both: Value = serde_json::from_str(&run.stdout).unwrap();
    let practice = jsonschema::validator_for(&both["practice"]).expect("a valid schema");
    let jurisdiction = jsonschema::validator_for(&both["jurisdiction"]).expect("a valid schema");

    for f in ["examples/practice.toml", "tests/fixtures/valid/group/practice.toml"] {
        let v = load(&root().join(f));
        let errors: Vec<String> = practice.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{f}: {errors:?}");
    }
    for e in std::fs::read_dir(root().join("jurisdictions")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let v = load(&p);
            let errors: Vec<String> = jurisdiction.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", p.display());
        }
    }
    let mut bad = load(&root().join("examples/practice.toml"));
    bad["nmae"] = Value::from("x");
    assert!(!practice.is_valid(&bad), "unknown keys are refused, as deny_unknown_fields does");

    let one = t.run(["schema", "practice"]).ok();
    let p: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(p, both["practice"]);
}
