//! England and Wales bank holidays and clear working days (LGA 1972 s100B).
//! Computed, not looked up: Easter by the Gregorian computus, substitute days by the
//! usual rules, and the one-off days proclaimed since 1995.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// Easter Sunday (anonymous Gregorian algorithm).
pub fn easter(y: i32) -> NaiveDate {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(y, month as u32, day as u32)
}

fn first_monday(y: i32, m: u32) -> NaiveDate {
    let d = ymd(y, m, 1);
    d + Duration::days(((7 - d.weekday().num_days_from_monday()) % 7) as i64)
}

fn last_monday(y: i32, m: u32) -> NaiveDate {
    let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
    let last = next - Duration::days(1);
    last - Duration::days(last.weekday().num_days_from_monday() as i64)
}

fn next_monday(d: NaiveDate) -> NaiveDate {
    d + Duration::days(((7 - d.weekday().num_days_from_monday()) % 7) as i64)
}

/// Bank holidays in England and Wales for a year, in date order.
pub fn bank_holidays(y: i32) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    // New Year's Day, or the Monday after when it falls at a weekend.
    let ny = ymd(y, 1, 1);
    days.push(if matches!(ny.weekday(), Weekday::Sat | Weekday::Sun) { next_monday(ny) } else { ny });
    let e = easter(y);
    days.push(e - Duration::days(2));
    days.push(e + Duration::days(1));
    // Early May: first Monday, moved for VE Day anniversaries in 1995 and 2020.
    days.push(match y {
        1995 => ymd(1995, 5, 8),
        2020 => ymd(2020, 5, 8),
        _ => first_monday(y, 5),
    });
    // Spring: last Monday in May, moved for the Golden, Diamond and Platinum Jubilees.
    days.push(match y {
        2002 => ymd(2002, 6, 4),
        2012 => ymd(2012, 6, 4),
        2022 => ymd(2022, 6, 2),
        _ => last_monday(y, 5),
    });
    days.push(last_monday(y, 8));
    // Christmas and Boxing Day with their substitutes.
    let xmas = ymd(y, 12, 25);
    match xmas.weekday() {
        Weekday::Fri => days.extend([xmas, ymd(y, 12, 28)]),
        Weekday::Sat => days.extend([ymd(y, 12, 27), ymd(y, 12, 28)]),
        Weekday::Sun => days.extend([ymd(y, 12, 26), ymd(y, 12, 27)]),
        _ => days.extend([xmas, ymd(y, 12, 26)]),
    }
    // One-off bank holidays.
    for (yy, m, d) in [(1999, 12, 31), (2002, 6, 3), (2011, 4, 29), (2012, 6, 5), (2022, 6, 3), (2022, 9, 19), (2023, 5, 8)] {
        if yy == y {
            days.push(ymd(yy, m, d));
        }
    }
    days.sort();
    days
}

/// Working days: not a weekend, bank holiday or one of the council's closure days.
pub struct Calendar {
    closures: Vec<NaiveDate>,
}

impl Calendar {
    pub fn new(closures: Vec<NaiveDate>) -> Self {
        Calendar { closures }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !bank_holidays(d.year()).contains(&d) && !self.closures.contains(&d)
    }

    /// Working days strictly between `from` and `to` (clear days: neither end counts).
    pub fn clear_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from + Duration::days(1);
        while d < to {
            if self.is_working_day(d) {
                n += 1;
            }
            d += Duration::days(1);
        }
        n
    }

    /// The last working day on which the agenda can be published and still leave `clear`
    /// clear working days before the meeting.
    pub fn publication_deadline(&self, meeting: NaiveDate, clear: u32) -> NaiveDate {
        let mut d = meeting;
        let mut counted = 0;
        while counted < clear {
            d -= Duration::days(1);
            if self.is_working_day(d) {
                counted += 1;
            }
        }
        // `d` is the earliest clear day; publication must be on a working day before it.
        d -= Duration::days(1);
        while !self.is_working_day(d) {
            d -= Duration::days(1);
        }
        d
    }

    /// The `n`th working day after `from` (call-in: the last day of the period that
    /// starts the day after a decision notice is published).
    pub fn working_days_after(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut counted = 0;
        while counted < n {
            d += Duration::days(1);
            if self.is_working_day(d) {
                counted += 1;
            }
        }
        d
    }

    /// `days` clear calendar days before `meeting` (notices of key decisions: 28 days).
    pub fn calendar_deadline(meeting: NaiveDate, days: i64) -> NaiveDate {
        meeting - Duration::days(days + 1)
    }
}

/// Last Sunday of a month.
fn last_sunday(y: i32, m: u32) -> NaiveDate {
    let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
    let last = next - Duration::days(1);
    last - Duration::days(last.weekday().num_days_from_sunday() as i64)
}

/// UTC offset of London local time (GMT, or BST from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October, Summer Time Order 2002).
/// Meetings are not held in the hour that the clocks change.
pub fn london_utc_offset(date: NaiveDate, time: chrono::NaiveTime) -> &'static str {
    let y = date.year();
    let at = date.and_time(time);
    let starts = last_sunday(y, 3).and_hms_opt(1, 0, 0).expect("valid time");
    let ends = last_sunday(y, 10).and_hms_opt(2, 0, 0).expect("valid time");
    if at >= starts && at < ends {
        "+01:00"
    } else {
        "+00:00"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_examples_from_the_statute_guidance() {
        let cal = Calendar::new(vec![]);
        // Tuesday 17 June 2025: publish by Monday 9 June 2025.
        assert_eq!(cal.publication_deadline(ymd(2025, 6, 17), 5), ymd(2025, 6, 9));
        // Thursday 29 May 2025, bank holiday Monday 26 May: publish by Tuesday 20 May.
        assert_eq!(cal.publication_deadline(ymd(2025, 5, 29), 5), ymd(2025, 5, 20));
        assert_eq!(cal.clear_days_between(ymd(2025, 6, 9), ymd(2025, 6, 17)), 5);
        assert_eq!(cal.clear_days_between(ymd(2025, 6, 10), ymd(2025, 6, 17)), 4);
    }

    #[test]
    fn call_in_periods_skip_weekends_and_bank_holidays() {
        let cal = Calendar::new(vec![]);
        // Published Thursday 17 April 2025: Good Friday and Easter Monday are not working
        // days, so five clear working days run 22 to 28 April.
        assert_eq!(cal.working_days_after(ymd(2025, 4, 17), 5), ymd(2025, 4, 28));
        // Published on a Friday: Monday to Friday of the next week.
        assert_eq!(cal.working_days_after(ymd(2025, 6, 20), 5), ymd(2025, 6, 27));
        // Christmas: 25, 26 December and 1 January 2026 are bank holidays.
        assert_eq!(cal.working_days_after(ymd(2025, 12, 22), 5), ymd(2025, 12, 31));
        assert_eq!(cal.working_days_after(ymd(2025, 12, 23), 5), ymd(2026, 1, 2));
        // A council's own closure day counts as no working day.
        let closed = Calendar::new(vec![ymd(2025, 6, 23)]);
        assert_eq!(closed.working_days_after(ymd(2025, 6, 20), 5), ymd(2025, 6, 30));
    }

    #[test]
    fn london_summer_time() {
        let t = chrono::NaiveTime::from_hms_opt(19, 0, 0).unwrap();
        assert_eq!(london_utc_offset(ymd(2012, 4, 18), t), "+01:00");
        assert_eq!(london_utc_offset(ymd(2025, 3, 29), t), "+00:00");
        assert_eq!(london_utc_offset(ymd(2025, 3, 30), t), "+01:00");
        assert_eq!(london_utc_offset(ymd(2025, 10, 25), t), "+01:00");
        assert_eq!(london_utc_offset(ymd(2025, 10, 26), t), "+00:00");
        assert_eq!(london_utc_offset(ymd(2026, 1, 14), t), "+00:00");
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2012), ymd(2012, 4, 8));
        assert_eq!(easter(2025), ymd(2025, 4, 20));
        assert_eq!(easter(2038), ymd(2038, 4, 25));
        assert_eq!(easter(2008), ymd(2008, 3, 23));
    }

    #[test]
    fn substitutes_and_one_offs() {
        let h2022 = bank_holidays(2022);
        for d in [ymd(2022, 1, 3), ymd(2022, 6, 2), ymd(2022, 6, 3), ymd(2022, 9, 19), ymd(2022, 12, 26), ymd(2022, 12, 27)] {
            assert!(h2022.contains(&d), "{d}");
        }
        assert!(!h2022.contains(&ymd(2022, 5, 30)), "spring holiday moved to 2 June");
        assert!(bank_holidays(2023).contains(&ymd(2023, 5, 8)));
        assert!(bank_holidays(2020).contains(&ymd(2020, 5, 8)));
        assert!(!bank_holidays(2020).contains(&ymd(2020, 5, 4)));
        assert_eq!(bank_holidays(2021).len(), 8);
        // Christmas on a Saturday (2021): Monday 27 and Tuesday 28.
        assert!(bank_holidays(2021).contains(&ymd(2021, 12, 27)) && bank_holidays(2021).contains(&ymd(2021, 12, 28)));
    }

    #[test]
    fn closure_days_are_not_working_days() {
        let cal = Calendar::new(vec![ymd(2025, 6, 13)]);
        assert_eq!(cal.publication_deadline(ymd(2025, 6, 17), 5), ymd(2025, 6, 6));
    }
}
