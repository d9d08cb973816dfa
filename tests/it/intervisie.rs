//! Beyond one conversation: the cases and the guide files (`spiegel check`,
//! `--conversation`), the manager's agreement to share with peers, the
//! intervisie sheet of a department, bright spots and the guide page.

use crate::support::TestDir;

const CASES: &str = include_str!("../../conversation/cases.toml");
const GUIDE: &str = include_str!("../../conversation/hesitations.toml");

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn check_names_file_line_and_problem_of_broken_cases_and_guide_files() {
    let dir = TestDir::new();
    // The shipped files, built in.
    let out = dir.ok(&["check"]);
    assert!(out.contains("cases.toml (built in): ok (4 cases)"), "{out}");
    assert!(out.contains("hesitations.toml (built in): ok (4 hesitations)"), "{out}");
    let own = dir.path.join("own");
    std::fs::create_dir_all(&own).unwrap();
    // A case without its English title.
    let cases = CASES.replacen(
        "title = { nl = \"Een klacht over een geliefde collega\", en = \"A complaint about a well-liked colleague\" }",
        "title = { nl = \"Een klacht over een geliefde collega\", en = \"\" }",
        1,
    );
    assert_ne!(cases, CASES);
    std::fs::write(own.join("cases.toml"), &cases).unwrap();
    let err = dir.fails(&["check", own.join("cases.toml").to_str().unwrap()]);
    let line = line_of(&cases, "Een klacht over een geliefde collega");
    let place = format!("{}:{line}:", own.join("cases.toml").display());
    assert!(err.contains(&place), "{place}: {err}");
    assert!(err.contains("missing its en translation"), "{err}");
    // The folder, as the server would load it: the same error, and the
    // server refuses to start with it.
    let err = dir.fails(&["--conversation", own.to_str().unwrap(), "check"]);
    assert!(err.contains(&place), "{err}");
    dir.ok(&["init", "--tz", "UTC"]);
    let err = dir.fails(&[
        "--conversation",
        own.to_str().unwrap(),
        "serve",
        "--addr",
        "127.0.0.1:0",
    ]);
    assert!(err.contains(&place), "{err}");
    // A guide with an unknown key and one with four questions.
    std::fs::write(own.join("cases.toml"), CASES).unwrap();
    let guide = GUIDE.replacen("id = \"job-of-hr\"", "id = \"job-of-hr\"\nkleur = \"rood\"", 1);
    std::fs::write(own.join("hesitations.toml"), &guide).unwrap();
    let err = dir.fails(&["check", own.to_str().unwrap()]);
    let place = format!(
        "{}:{}:",
        own.join("hesitations.toml").display(),
        line_of(&guide, "kleur")
    );
    assert!(err.contains(&place) && err.contains("kleur"), "{err}");
    let guide = GUIDE.replacen(
        "    \"Wie in je omgeving doet dit goed, en wat zegt die?\",\n",
        "    \"Wie in je omgeving doet dit goed, en wat zegt die?\",\n    \"Een\",\n    \"Twee\",\n",
        1,
    ).replacen(
        "    \"Who around you does this well, and what do they say?\",\n",
        "    \"Who around you does this well, and what do they say?\",\n    \"One\",\n    \"Two\",\n",
        1,
    );
    std::fs::write(own.join("hesitations.toml"), &guide).unwrap();
    let err = dir.fails(&["--conversation", own.to_str().unwrap(), "check"]);
    assert!(err.contains("has 4 questions; give 2 to 3"), "{err}");
    // A valid own folder passes; a folder that is not there does not.
    std::fs::write(own.join("hesitations.toml"), GUIDE).unwrap();
    let out = dir.ok(&["--conversation", own.to_str().unwrap(), "check"]);
    assert!(out.contains("ok (conversation folder)"), "{out}");
    let err = dir.fails(&["--conversation", "/nonexistent-folder", "check"]);
    assert!(err.contains("/nonexistent-folder: no such folder"), "{err}");
}
