//! A second opinion on the bank-holiday computation: the Python `holidays` package
//! (England) for every year 1995-2045. Run by .ci/run, which installs it.
#![cfg(feature = "external-tools")]

use std::process::Command;

#[test]
fn bank_holidays_agree_with_python_holidays_1995_to_2045() {
    let script = "import holidays, json\n\
        h = holidays.UnitedKingdom(subdiv='ENG', years=range(1995, 2046))\n\
        print(json.dumps(sorted(d.isoformat() for d in h if d.weekday() < 5)))";
    let out = Command::new("python3").args(["-c", script]).output().expect("python3");
    assert!(out.status.success(), "python holidays: {} (pip install holidays)", String::from_utf8_lossy(&out.stderr));
    let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let ours: Vec<String> = (1995..=2045).flat_map(agendum::calendar::bank_holidays).map(|d| d.to_string()).collect();
    let only_ours: Vec<&String> = ours.iter().filter(|d| !theirs.contains(d)).collect();
    let only_theirs: Vec<&String> = theirs.iter().filter(|d| !ours.contains(d)).collect();
    assert!(only_ours.is_empty() && only_theirs.is_empty(), "only agendum: {only_ours:?}\nonly python holidays: {only_theirs:?}");
    assert!(ours.len() > 400);
}
