//! Japanese dates and times: UTC instants shown in Japan time (日本時間, UTC+9, no daylight
//! saving), 和暦 (令和7年5月3日), and the civil-date arithmetic the ledger needs (retention ends,
//! weekdays, validating `YYYYMMDD` / `YYYYMM` fields).
//!
//! Written by hand instead of pulling in `chrono`/`time`: the arithmetic is small, the page is
//! a single wasm file people carry on a USB stick, and Japan has had one fixed offset since 1951.
//! The library never reads the clock: callers pass the current [`Timestamp`] in, so everything
//! here is deterministic and compiles to wasm.

use std::fmt;

/// Milliseconds in a day.
const MS_PER_DAY: i64 = 86_400_000;
/// Japan Standard Time is UTC+9 all year.
const JST_OFFSET_MS: i64 = 9 * 3_600_000;

/// A calendar date in the proleptic Gregorian calendar (no time zone of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// 対象年月: a year and month (e.g. a service month `202505`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

/// 曜日, Sunday first as on Japanese calendars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    Sun,
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
}

impl Weekday {
    /// 土曜・日曜: marked on a 利用票's calendar.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Sat | Weekday::Sun)
    }

    /// The one-character Japanese name: 日 月 火 水 木 金 土.
    pub fn kanji(self) -> &'static str {
        match self {
            Weekday::Sun => "日",
            Weekday::Mon => "月",
            Weekday::Tue => "火",
            Weekday::Wed => "水",
            Weekday::Thu => "木",
            Weekday::Fri => "金",
            Weekday::Sat => "土",
        }
    }
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` of `year` (0 for a month outside 1..=12).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl CivilDate {
    /// A checked date; `None` for 2025-02-30 and the like.
    pub fn new(year: i32, month: u8, day: u8) -> Option<CivilDate> {
        if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Some(CivilDate { year, month, day })
        } else {
            None
        }
    }

    /// Parses the spec's 8-digit `YYYYMMDD` (e.g. 居宅サービス計画作成(変更)日).
    pub fn parse_yyyymmdd(s: &str) -> Option<CivilDate> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = s[0..4].parse().ok()?;
        let month = s[4..6].parse().ok()?;
        let day = s[6..8].parse().ok()?;
        CivilDate::new(year, month, day)
    }

    /// The 8-digit `YYYYMMDD` form.
    pub fn to_yyyymmdd(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (negative before). Howard Hinnant's `days_from_civil`.
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01. Hinnant's `civil_from_days`.
    pub fn from_days_since_epoch(days: i64) -> CivilDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CivilDate { year, month, day }
    }

    /// 曜日 of this date.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days_since_epoch() + 4).rem_euclid(7) {
            0 => Weekday::Sun,
            1 => Weekday::Mon,
            2 => Weekday::Tue,
            3 => Weekday::Wed,
            4 => Weekday::Thu,
            5 => Weekday::Fri,
            _ => Weekday::Sat,
        }
    }

    /// The same month and day `years` later; 2月29日 becomes 2月28日 in a common year
    /// (the usual reading of 「…から2年」 for a retention period).
    pub fn add_years(self, years: i32) -> CivilDate {
        let year = self.year + years;
        let day = self.day.min(days_in_month(year, self.month));
        CivilDate {
            year,
            month: self.month,
            day,
        }
    }

    /// The date `days` days later (earlier when negative).
    pub fn add_days(self, days: i64) -> CivilDate {
        CivilDate::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The month this date falls in.
    pub fn year_month(self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.month,
        }
    }

    /// Western style with weekday: `2025年5月3日(土)`.
    pub fn format_ja(self) -> String {
        format!(
            "{}年{}月{}日({})",
            self.year,
            self.month,
            self.day,
            self.weekday().kanji()
        )
    }

    /// 和暦: `令和7年5月3日`, with 元年 for the first year of an era. `None` before
    /// 1873-01-01, when Japan adopted the Gregorian calendar.
    pub fn format_wareki(self) -> Option<String> {
        let (era, first_year) = era_of(self)?;
        let n = self.year - first_year + 1;
        let year = if n == 1 {
            "元".to_string()
        } else {
            n.to_string()
        };
        Some(format!("{}{}年{}月{}日", era, year, self.month, self.day))
    }
}

impl CivilDate {
    /// 和暦 with the weekday, as forms print it: `令和7年5月3日(土)` (西暦 before 1873).
    pub fn format_wareki_ja(self) -> String {
        match self.format_wareki() {
            Some(w) => format!("{w}({})", self.weekday().kanji()),
            None => self.format_ja(),
        }
    }
}

/// The era names and their first days, newest first.
const ERAS: [(&str, CivilDate); 5] = [
    (
        "令和",
        CivilDate {
            year: 2019,
            month: 5,
            day: 1,
        },
    ),
    (
        "平成",
        CivilDate {
            year: 1989,
            month: 1,
            day: 8,
        },
    ),
    (
        "昭和",
        CivilDate {
            year: 1926,
            month: 12,
            day: 25,
        },
    ),
    (
        "大正",
        CivilDate {
            year: 1912,
            month: 7,
            day: 30,
        },
    ),
    (
        "明治",
        CivilDate {
            year: 1868,
            month: 1,
            day: 25,
        },
    ),
];

fn era_of(date: CivilDate) -> Option<(&'static str, i32)> {
    if date
        < (CivilDate {
            year: 1873,
            month: 1,
            day: 1,
        })
    {
        return None;
    }
    ERAS.iter()
        .find(|(_, start)| date >= *start)
        .map(|(name, start)| (*name, start.year))
}

impl YearMonth {
    /// A checked month.
    pub fn new(year: i32, month: u8) -> Option<YearMonth> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    /// The month's days in order, 1日 to the last (a 利用票's columns).
    pub fn days(self) -> impl Iterator<Item = CivilDate> {
        let last = self.last_day().day;
        (1..=last).map(move |day| CivilDate {
            year: self.year,
            month: self.month,
            day,
        })
    }

    /// Parses the spec's 6-digit `YYYYMM` (対象年月).
    pub fn parse_yyyymm(s: &str) -> Option<YearMonth> {
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        YearMonth::new(s[0..4].parse().ok()?, s[4..6].parse().ok()?)
    }

    /// The 6-digit `YYYYMM` form.
    pub fn to_yyyymm(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }

    /// The last day of the month (a month's record is complete at the earliest then).
    pub fn last_day(self) -> CivilDate {
        CivilDate {
            year: self.year,
            month: self.month,
            day: days_in_month(self.year, self.month),
        }
    }

    /// `2025年5月`.
    pub fn format_ja(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    /// 和暦 of the month, judged by its first day: `令和7年5月`.
    pub fn format_wareki(self) -> Option<String> {
        let first = CivilDate {
            year: self.year,
            month: self.month,
            day: 1,
        };
        let full = first.format_wareki()?;
        Some(full.trim_end_matches("1日").to_string())
    }
}

/// An instant in UTC, as milliseconds since 1970-01-01T00:00:00Z.
///
/// Stored in the ledger as the fixed 24-character RFC 3339 form
/// `YYYY-MM-DDTHH:MM:SS.sssZ`, exactly what JavaScript's `Date.prototype.toISOString()`
/// produces, so the page can pass `new Date().toISOString()` straight in and the stored
/// text has one spelling only (it is hashed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// Why a time string was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError;

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("日時は 2025-05-03T05:05:00.000Z の形(UTC、ミリ秒まで)で指定してください")
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// From Unix milliseconds (what `Date.now()` returns).
    pub fn from_unix_ms(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    /// Unix milliseconds.
    pub fn unix_ms(self) -> i64 {
        self.0
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS.sssZ` (years 0000–9999). Anything else, even a
    /// valid RFC 3339 spelling such as `+00:00`, is refused so that one instant has one text.
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, TimestampError> {
        let b = s.as_bytes();
        if b.len() != 24 {
            return Err(TimestampError);
        }
        let shape_ok = b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'.',
            23 => c == b'Z',
            _ => c.is_ascii_digit(),
        });
        if !shape_ok {
            return Err(TimestampError);
        }
        let num = |r: std::ops::Range<usize>| -> i64 {
            b[r].iter()
                .fold(0i64, |acc, &c| acc * 10 + i64::from(c - b'0'))
        };
        let date = CivilDate::new(num(0..4) as i32, num(5..7) as u8, num(8..10) as u8)
            .ok_or(TimestampError)?;
        let (h, m, sec, ms) = (num(11..13), num(14..16), num(17..19), num(20..23));
        if h > 23 || m > 59 || sec > 59 {
            return Err(TimestampError);
        }
        Ok(Timestamp(
            date.days_since_epoch() * MS_PER_DAY + ((h * 60 + m) * 60 + sec) * 1000 + ms,
        ))
    }

    /// The fixed `YYYY-MM-DDTHH:MM:SS.sssZ` form.
    pub fn to_rfc3339(self) -> String {
        let date = CivilDate::from_days_since_epoch(self.0.div_euclid(MS_PER_DAY));
        let ms_of_day = self.0.rem_euclid(MS_PER_DAY);
        let secs = ms_of_day / 1000;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            date.year,
            date.month,
            date.day,
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            ms_of_day % 1000
        )
    }

    /// The date and time in Japan.
    pub fn to_japan(self) -> JapanDateTime {
        let local = self.0 + JST_OFFSET_MS;
        let date = CivilDate::from_days_since_epoch(local.div_euclid(MS_PER_DAY));
        let secs = local.rem_euclid(MS_PER_DAY) / 1000;
        JapanDateTime {
            date,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
        }
    }

    /// The date in Japan (the day a clerk would write down).
    pub fn japan_date(self) -> CivilDate {
        self.to_japan().date
    }

    /// `2025年5月3日(土) 14:05` in Japan time.
    pub fn format_ja(self) -> String {
        self.to_japan().format_ja()
    }

    /// `令和7年5月3日(土) 14:05` in Japan time.
    pub fn format_wareki_ja(self) -> String {
        self.to_japan().format_wareki_ja()
    }
}

/// A wall-clock time in Japan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JapanDateTime {
    pub date: CivilDate,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl JapanDateTime {
    /// The instant this Japan wall-clock time is (Japan has no daylight saving time).
    pub fn to_timestamp(self) -> Timestamp {
        let minutes = self.date.days_since_epoch() * 24 * 60
            + i64::from(self.hour) * 60
            + i64::from(self.minute)
            - 9 * 60;
        Timestamp((minutes * 60 + i64::from(self.second)) * 1000)
    }

    /// Reads a form's `datetime-local` value, `YYYY-MM-DDTHH:MM` (seconds optional), as Japan
    /// time. `None` for anything else.
    pub fn parse_form_value(s: &str) -> Option<JapanDateTime> {
        let (date, time) = s.split_once('T')?;
        let date = CivilDate::parse_yyyymmdd(&date.replace('-', ""))?;
        let mut parts = time.split(':');
        let mut field = |max: u8| -> Option<u8> {
            let p = parts.next()?;
            let v: u8 = (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())??;
            (v <= max).then_some(v)
        };
        let hour = field(23)?;
        let minute = field(59)?;
        let second = field(59).unwrap_or(0);
        Some(JapanDateTime {
            date,
            hour,
            minute,
            second,
        })
    }

    /// The `datetime-local` value of this time, `YYYY-MM-DDTHH:MM`.
    pub fn form_value(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            self.date.year, self.date.month, self.date.day, self.hour, self.minute
        )
    }

    /// `2025年5月3日(土) 14:05`.
    pub fn format_ja(self) -> String {
        format!(
            "{} {:02}:{:02}",
            self.date.format_ja(),
            self.hour,
            self.minute
        )
    }

    /// `令和7年5月3日(土) 14:05`, as the inspection sheet prints times.
    pub fn format_wareki_ja(self) -> String {
        format!(
            "{} {:02}:{:02}",
            self.date.format_wareki_ja(),
            self.hour,
            self.minute
        )
    }

    /// `令和7年5月3日 14:05`.
    pub fn format_wareki(self) -> Option<String> {
        Some(format!(
            "{} {:02}:{:02}",
            self.date.format_wareki()?,
            self.hour,
            self.minute
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    #[test]
    fn civil_days_round_trip_over_four_centuries() {
        let start = d(1900, 1, 1).days_since_epoch();
        let mut prev = CivilDate::from_days_since_epoch(start - 1);
        for n in start..start + 146_097 {
            let date = CivilDate::from_days_since_epoch(n);
            assert_eq!(date.days_since_epoch(), n);
            assert!(date > prev);
            assert!(CivilDate::new(date.year, date.month, date.day).is_some());
            prev = date;
        }
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(2000, 3, 1).days_since_epoch(), 11_017);
    }

    #[test]
    fn a_month_lists_its_days_with_weekends() {
        let may = YearMonth::new(2025, 5).unwrap();
        let days: Vec<CivilDate> = may.days().collect();
        assert_eq!(days.len(), 31);
        assert_eq!(days[0].weekday(), Weekday::Thu);
        assert!(days[2].weekday().is_weekend() && days[3].weekday().is_weekend());
        assert!(!days[4].weekday().is_weekend());
        assert_eq!(YearMonth::new(2024, 2).unwrap().days().count(), 29);
    }

    #[test]
    fn weekdays() {
        assert_eq!(d(2025, 5, 3).weekday(), Weekday::Sat);
        assert_eq!(d(1970, 1, 1).weekday(), Weekday::Thu);
        assert_eq!(d(2019, 5, 1).weekday(), Weekday::Wed);
        assert_eq!(d(2024, 2, 29).weekday(), Weekday::Thu);
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert!(CivilDate::new(2025, 2, 29).is_none());
        assert!(CivilDate::new(2024, 2, 29).is_some());
        assert!(CivilDate::new(1900, 2, 29).is_none());
        assert!(CivilDate::new(2000, 2, 29).is_some());
        assert!(CivilDate::new(2025, 13, 1).is_none());
        assert!(CivilDate::parse_yyyymmdd("20250431").is_none());
        assert!(CivilDate::parse_yyyymmdd("２０２５０５０３").is_none());
        assert_eq!(CivilDate::parse_yyyymmdd("20250503"), Some(d(2025, 5, 3)));
        assert_eq!(
            YearMonth::parse_yyyymm("202505").unwrap().to_yyyymm(),
            "202505"
        );
        assert!(YearMonth::parse_yyyymm("202500").is_none());
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(d(2019, 4, 30).format_wareki().unwrap(), "平成31年4月30日");
        assert_eq!(d(2019, 5, 1).format_wareki().unwrap(), "令和元年5月1日");
        assert_eq!(d(2020, 1, 1).format_wareki().unwrap(), "令和2年1月1日");
        assert_eq!(d(2025, 5, 3).format_wareki().unwrap(), "令和7年5月3日");
        assert_eq!(d(1989, 1, 7).format_wareki().unwrap(), "昭和64年1月7日");
        assert_eq!(d(1989, 1, 8).format_wareki().unwrap(), "平成元年1月8日");
        assert_eq!(d(1926, 12, 24).format_wareki().unwrap(), "大正15年12月24日");
        assert_eq!(d(1926, 12, 25).format_wareki().unwrap(), "昭和元年12月25日");
        assert_eq!(d(1912, 7, 29).format_wareki().unwrap(), "明治45年7月29日");
        assert_eq!(d(1912, 7, 30).format_wareki().unwrap(), "大正元年7月30日");
        assert!(d(1872, 12, 31).format_wareki().is_none());
        assert_eq!(
            YearMonth::new(2019, 5).unwrap().format_wareki().unwrap(),
            "令和元年5月"
        );
        assert_eq!(
            YearMonth::new(2019, 4).unwrap().format_wareki().unwrap(),
            "平成31年4月"
        );
    }

    #[test]
    fn japan_time_display() {
        let t = Timestamp::parse_rfc3339("2025-05-03T05:05:00.000Z").unwrap();
        assert_eq!(t.format_ja(), "2025年5月3日(土) 14:05");
        assert_eq!(t.to_japan().format_wareki().unwrap(), "令和7年5月3日 14:05");
        // 15:00 UTC is already the next day in Japan: the era changed at midnight JST.
        let t = Timestamp::parse_rfc3339("2019-04-30T15:00:00.000Z").unwrap();
        assert_eq!(t.japan_date().format_wareki().unwrap(), "令和元年5月1日");
        let t = Timestamp::parse_rfc3339("2019-04-30T14:59:59.999Z").unwrap();
        assert_eq!(t.japan_date().format_wareki().unwrap(), "平成31年4月30日");
        assert_eq!(t.format_ja(), "2019年4月30日(火) 23:59");
    }

    #[test]
    fn rfc3339_is_strict_and_round_trips() {
        for s in [
            "1970-01-01T00:00:00.000Z",
            "2025-05-03T05:05:00.123Z",
            "2024-02-29T23:59:59.999Z",
            "1960-06-15T12:00:00.000Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(s).unwrap().to_rfc3339(), s);
        }
        assert_eq!(
            Timestamp::parse_rfc3339("2025-05-03T05:05:00.000Z")
                .unwrap()
                .unix_ms(),
            1_746_248_700_000
        );
        for bad in [
            "2025-05-03T05:05:00Z",
            "2025-05-03T05:05:00.000+00:00",
            "2025-05-03 05:05:00.000Z",
            "2025-02-30T05:05:00.000Z",
            "2025-05-03T24:00:00.000Z",
            "2025-05-03T05:05:60.000Z",
            "２025-05-03T05:05:00.000Z",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn add_years_clamps_leap_day() {
        assert_eq!(d(2024, 2, 29).add_years(2), d(2026, 2, 28));
        assert_eq!(d(2024, 2, 29).add_years(4), d(2028, 2, 29));
        assert_eq!(d(2025, 3, 31).add_years(5), d(2030, 3, 31));
        assert_eq!(d(2025, 12, 31).add_days(1), d(2026, 1, 1));
    }
}

#[cfg(test)]
mod form_value_tests {
    use super::*;

    #[test]
    fn a_form_time_is_japan_time_and_round_trips() {
        let t = JapanDateTime::parse_form_value("2025-04-25T10:00").unwrap();
        assert_eq!(t.to_timestamp().to_rfc3339(), "2025-04-25T01:00:00.000Z");
        assert_eq!(t.to_timestamp().to_japan(), t);
        assert_eq!(t.form_value(), "2025-04-25T10:00");
        // Just after midnight in Japan is the previous day in UTC.
        let t = JapanDateTime::parse_form_value("2025-05-01T00:30:15").unwrap();
        assert_eq!(t.to_timestamp().to_rfc3339(), "2025-04-30T15:30:15.000Z");
        for bad in [
            "",
            "2025-04-25",
            "2025-04-25T24:00",
            "2025-02-30T10:00",
            "2025-04-25T1:00",
            "x",
        ] {
            assert!(JapanDateTime::parse_form_value(bad).is_none(), "{bad}");
        }
    }
}
