//! Templates run under a time, page, memory and loop-step budget, and a
//! template that exceeds one is stopped at its line, before anything is written.

use std::time::Duration;

use super::run_within;
use crate::util::TestDir;

// 3. Templates run under a time and page budget.

/// A practice of one document, with its own templates.
fn with_templates(t: &TestDir, templates: &[(&str, &str)]) {
    t.write(
        "practice.toml",
        "name = \"Budget Test\"\nservices = { telehealth = true }\nstates = [\"CA\"]\ndocuments = [\"consent\"]\n",
    );
    for (name, text) in templates {
        t.write(&format!("templates/{name}"), text);
    }
}

/// The bundled page template with `prefix` put in front of it.
fn page_template(prefix: &str) -> String {
    format!(
        "{prefix}\n{}",
        std::fs::read_to_string(crate::util::root().join("templates/pdf.typ")).unwrap()
    )
}

#[test]
fn nested_loops_that_print_nothing_stop_at_their_line() {
    let t = TestDir::new();
    let loops =
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}";
    with_templates(&t, &[("consent.md", &format!("# Consent\n\nText.\n\n{loops}\n"))]);
    let (run, took) = run_within(&t, &["build", "practice.toml"], Duration::from_secs(60));
    let run = run.status(2);
    assert!(
        run.stderr.contains(
            "error[loop-budget]: `templates/consent.md` makes more than 1000000 loop steps"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("templates/consent.md:5:"), "{}", run.stderr);
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(!t.path().join("out").exists());
}

#[test]
fn a_template_that_runs_too_long_is_stopped_at_the_time_budget() {
    let t = TestDir::new();
    let list = (0..100).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let open = "{% for i in a %}".repeat(5);
    let close = "{% endfor %}".repeat(5);
    with_templates(
        &t,
        &[("consent.md", &format!("# Consent\n\n{{% set a = [{list}] %}}{open}{close}\n"))],
    );
    let args = ["check", "practice.toml", "--budget-seconds", "1"];
    let (run, took) = run_within(&t, &args, Duration::from_secs(60));
    let run = run.status(2);
    assert!(
        run.stderr.contains(
            "error[time-budget]: `templates/consent.md` did not finish rendering within 1 s"
        ),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_page_template_that_runs_for_ever_is_stopped() {
    let t = TestDir::new();
    // A loop that allocates (Typst makes the whole range), and one that only counts.
    for (prefix, codes) in [
        ("#for i in range(300000000) {}", &["memory-budget", "time-budget"][..]),
        ("#for i in range(100000) { for j in range(100000) {} }", &["time-budget"][..]),
    ] {
        with_templates(&t, &[("pdf.typ", &page_template(prefix))]);
        let args = ["build", "practice.toml", "--budget-seconds", "2"];
        let (run, took) = run_within(&t, &args, Duration::from_secs(60));
        let run = run.status(2);
        assert!(
            codes.iter().any(|c| run.stderr.contains(&format!("error[{c}]: `templates/pdf.typ` "))),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.matches("error[").count(), 1, "said once:\n{}", run.stderr);
        assert!(took < Duration::from_secs(15), "{took:?}");
        assert!(!t.path().join("out").exists());
    }
}

#[test]
fn a_page_template_that_makes_too_many_pages_is_refused() {
    let t = TestDir::new();
    with_templates(&t, &[("pdf.typ", &page_template("#for i in range(300) [#pagebreak() x]"))]);
    let run = t.run(["build", "practice.toml"]).status(2);
    assert!(
        run.stderr.contains("error[page-budget]: `templates/pdf.typ` makes 30"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("the budget is 200 pages"), "{}", run.stderr);
    assert!(!t.path().join("out").exists());
    t.run(["build", "practice.toml", "--budget-pages", "400"]).ok();
}
