//! Money in UK style: £246,000, £1,234.50, -£5,000; and the author's own shorthand
//! (£350k, £1.2m) kept as written but understood for totals.

/// Format an amount in pounds: whole pounds without pence, otherwise two places.
pub fn format_pounds(amount: f64) -> String {
    let negative = amount < 0.0;
    let pence = (amount.abs() * 100.0).round() as u128;
    let (whole, frac) = (pence / 100, pence % 100);
    let mut s = String::from(if negative { "-£" } else { "£" });
    s.push_str(&group_thousands(whole));
    if frac != 0 {
        s.push_str(&format!(".{frac:02}"));
    }
    s
}

/// 1234567 -> "1,234,567".
pub fn group_thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A plain number with thousands separators and up to two decimals.
pub fn format_number(n: f64) -> String {
    let negative = n < 0.0;
    let hundredths = (n.abs() * 100.0).round() as u128;
    let mut s = String::from(if negative { "-" } else { "" });
    s.push_str(&group_thousands(hundredths / 100));
    let frac = hundredths % 100;
    if frac != 0 {
        let f = format!("{frac:02}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// Read money as authors write it: "£246,000", "246000", "£120k", "£1.2m", "-£5k".
/// Returns `None` for text such as "TBA" or "N/A".
pub fn parse_money(s: &str) -> Option<f64> {
    let t = s.trim();
    let (negative, t) = match t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let t = t.strip_prefix('£').unwrap_or(t).replace(',', "");
    let lower = t.to_lowercase();
    let (num, mult) = if let Some(n) = lower.strip_suffix("bn") {
        (n.to_string(), 1e9)
    } else if let Some(n) = lower.strip_suffix('m') {
        (n.to_string(), 1e6)
    } else if let Some(n) = lower.strip_suffix('k') {
        (n.to_string(), 1e3)
    } else {
        (lower.clone(), 1.0)
    };
    let value: f64 = num.trim().parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Some(if negative { -value * mult } else { value * mult })
}

/// 12.5 -> "12.5%", 20 -> "20%".
pub fn format_percent(p: f64) -> String {
    format!("{}%", format_number(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_are_grouped() {
        assert_eq!(format_pounds(246000.0), "£246,000");
        assert_eq!(format_pounds(1234.5), "£1,234.50");
        assert_eq!(format_pounds(0.0), "£0");
        assert_eq!(format_pounds(-5000.0), "-£5,000");
        assert_eq!(format_pounds(1_000_000_000.0), "£1,000,000,000");
        assert_eq!(format_pounds(999.0), "£999");
    }

    #[test]
    fn shorthand_is_understood() {
        assert_eq!(parse_money("£120k"), Some(120_000.0));
        assert_eq!(parse_money("£350k"), Some(350_000.0));
        assert_eq!(parse_money("£1.2m"), Some(1_200_000.0));
        assert_eq!(parse_money("£246,000"), Some(246_000.0));
        assert_eq!(parse_money("-£5k"), Some(-5_000.0));
        assert_eq!(parse_money("TBA"), None);
        assert_eq!(parse_money("N/A"), None);
        assert_eq!(parse_money("inf"), None);
    }

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_percent(20.0), "20%");
        assert_eq!(format_percent(12.25), "12.25%");
    }
}
