//! Decoding `format: date-time` properties of generated structs.
//!
//! chrono's own decoding runs its general format parser on every timestamp. Nearly every
//! timestamp an API sends has one shape, `2024-05-01T12:30:45Z` (a fraction of a second and a
//! numeric offset at most), which is read here directly; anything else goes to chrono, so the
//! values accepted, and the errors, are chrono's.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A timestamp decoded as chrono's `DateTime<Utc>` decodes, faster for the usual shape.
pub(crate) struct Timestamp(pub(crate) DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TimestampVisitor).map(Timestamp)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's words, so an error reads the same whichever way the value went.
        formatter.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        match parse_usual(value.as_bytes()) {
            Some(timestamp) => Ok(timestamp),
            None => value
                .parse::<DateTime<FixedOffset>>()
                .map(|timestamp| timestamp.with_timezone(&Utc))
                .map_err(E::custom),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS`, then up to nine digits of a fraction, then `Z` or `±HH:MM`; `None`
/// for anything else, including values chrono would refuse (they are left to chrono to
/// refuse) and leap seconds.
fn parse_usual(text: &[u8]) -> Option<DateTime<Utc>> {
    let [y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1, rest @ ..] = text
    else {
        return None;
    };
    let year = i32::try_from(digits(&[*y0, *y1, *y2, *y3])?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, digits(&[*mo0, *mo1])?, digits(&[*d0, *d1])?)?;
    let (nanos, zone) = match rest {
        [b'.', after @ ..] => {
            let count = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if count == 0 || count > 9 {
                return None;
            }
            let scale = 10_u32.pow(u32::try_from(9 - count).ok()?);
            (digits(&after[..count])? * scale, &after[count..])
        }
        _ => (0, rest),
    };
    let second = digits(&[*s0, *s1])?;
    if second > 59 {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(digits(&[*h0, *h1])?, digits(&[*mi0, *mi1])?, second, nanos)?;
    let offset = match zone {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), oh0, oh1, b':', om0, om1] => {
            let (hours, minutes) = (digits(&[*oh0, *oh1])?, digits(&[*om0, *om1])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let local = NaiveDateTime::new(date, time);
    let timestamp = FixedOffset::east_opt(offset)?.from_local_datetime(&local).single()?;
    Some(timestamp.with_timezone(&Utc))
}

/// The number the ASCII digits spell; `None` if any is not a digit.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0_u32, |number, byte| {
        byte.is_ascii_digit().then(|| number * 10 + u32::from(byte - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value decodes exactly as chrono decodes it, to the same timestamp or the same
    /// error.
    #[test]
    fn decodes_as_chrono_does() {
        let values = [
            "2024-05-01T12:30:45Z",
            "2020-01-02T03:04:05Z",
            "2024-02-29T23:59:59Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-12-32T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "2024-05-01T12:30:45.1Z",
            "2024-05-01T12:30:45.123456789Z",
            "2024-05-01T12:30:45.1234567891Z",
            "2024-05-01T12:30:45.Z",
            "2024-05-01T12:30:45+02:00",
            "2024-05-01T12:30:45-07:30",
            "2024-05-01T12:30:45.5+05:45",
            "2024-05-01T12:30:45+24:00",
            "2024-05-01T12:30:45+23:59",
            "2024-05-01T12:30:45-00:00",
            "2024-05-01T12:30:45+0200",
            "2024-05-01t12:30:45z",
            "2024-05-01 12:30:45Z",
            "2024-05-01T12:30:45",
            "2024-05-01T12:30Z",
            "2024-05-01",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "+12345-01-01T00:00:00Z",
            "2024-05-01T12:30:45Z ",
            " 2024-05-01T12:30:45Z",
            "2024-05-01T12:30:45ZZ",
            "2024-0a-01T12:30:45Z",
            "２０２４-05-01T12:30:45Z",
            "",
        ];
        for value in values {
            let json = serde_json::to_string(value).unwrap();
            let ours = serde_json::from_str::<Timestamp>(&json)
                .map(|t| t.0)
                .map_err(|e| e.to_string());
            let chrono = serde_json::from_str::<DateTime<Utc>>(&json).map_err(|e| e.to_string());
            assert_eq!(ours, chrono, "{value:?}");
        }
        for json in ["5", "null", "[]", "{}"] {
            let ours = serde_json::from_str::<Timestamp>(json)
                .map(|t| t.0)
                .map_err(|e| e.to_string());
            let chrono = serde_json::from_str::<DateTime<Utc>>(json).map_err(|e| e.to_string());
            assert_eq!(ours, chrono, "{json}");
        }
    }

    #[test]
    fn the_usual_shape_is_read_directly() {
        assert!(parse_usual(b"2024-05-01T12:30:45.25+02:00").is_some());
        assert!(parse_usual(b"2024-05-01t12:30:45z").is_none(), "left to chrono");
        assert!(
            parse_usual(b"2016-12-31T23:59:60Z").is_none(),
            "leap seconds are chrono's"
        );
    }
}
