//! The macro generated code uses for structs, so their serde impls are written once here
//! rather than expanded by `serde_derive` for every struct of every spec.
//!
//! A derive runs as a procedural macro, unoptimised in a default debug build, and writes a
//! field enum and two visitors per struct; this macro is expanded by the compiler itself and
//! writes one map visitor whose per-field work is done by the generic helpers below. The wire
//! format is the one `#[derive(Serialize, Deserialize)]` gives: a struct is a JSON object, an
//! optional field is left out when empty and `None` when absent, unknown properties are
//! ignored (or kept in the `flatten` map), a repeated property is an error.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::timestamp::Timestamp;
use crate::types::DateTime;

/// A struct with serde impls.
///
/// The first tokens say which impls to write: `ser`, `de` or `ser de` (`de` alone also writes
/// `Serialize` with the `mock` feature, so tests can build responses). Each field names its
/// property on the wire and, optionally, how an absent value is handled: `optional` (the type is
/// an `Option`, left out when `None`), `default = path` (a function giving the value). A
/// trailing `flatten` field, a map, keeps the properties the others do not name.
///
/// ```ignore
/// connector_runtime::__private::object! {
///     ser de
///     /// A pet.
///     #[derive(Debug, Clone)]
///     pub struct Pet {
///         /// `id`
///         pub id: i64 = "id",
///         /// `tag`
///         pub tag: ::std::option::Option<::std::string::String> = "tag" optional,
///     }
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __object {
    (ser de $($rest:tt)*) => {
        $crate::__object!(@def $($rest)*);
        $crate::__object!(@ser $($rest)*);
        $crate::__object!(@de $($rest)*);
    };
    (ser $($rest:tt)*) => {
        $crate::__object!(@def $($rest)*);
        $crate::__object!(@ser $($rest)*);
    };
    (de $($rest:tt)*) => {
        $crate::__object!(@def $($rest)*);
        $crate::__object!(@de $($rest)*);
        $crate::__if_mock! { $crate::__object!(@ser $($rest)*); }
    };
    (@def
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty = $wire:literal $( $mode:ident $( = $default:path )? )? , )*
        }
        $( flatten $(#[$rmeta:meta])* $rvis:vis $rest:ident : $rty:ty ; )?
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $field: $ty, )*
            $( $(#[$rmeta])* $rvis $rest: $rty, )?
        }
    };
    (@ser
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty = $wire:literal $( $mode:ident $( = $default:path )? )? , )*
        }
    ) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut state = $crate::__private::serde::Serializer::serialize_struct(
                    serializer,
                    ::std::stringify!($name),
                    0 $( + $crate::__object!(@len self.$field $(, $mode)?) )*,
                )?;
                $( $crate::__object!(@field state, self.$field, $wire $(, $mode)?); )*
                $crate::__private::serde::ser::SerializeStruct::end(state)
            }
        }
    };
    (@ser
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty = $wire:literal $( $mode:ident $( = $default:path )? )? , )*
        }
        flatten $(#[$rmeta:meta])* $rvis:vis $rest:ident : $rty:ty ;
    ) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut state = $crate::__private::serde::Serializer::serialize_map(serializer, ::std::option::Option::None)?;
                $( $crate::__object!(@entry state, self.$field, $wire $(, $mode)?); )*
                for (key, value) in &self.$rest {
                    $crate::__private::serde::ser::SerializeMap::serialize_entry(&mut state, key, value)?;
                }
                $crate::__private::serde::ser::SerializeMap::end(state)
            }
        }
    };
    (@de
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty = $wire:literal $( $mode:ident $( = $default:path )? )? , )*
        }
        $( flatten $(#[$rmeta:meta])* $rvis:vis $rest:ident : $rty:ty ; )?
    ) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(::std::concat!("struct ", ::std::stringify!($name)))
                    }
                    fn visit_map<A: $crate::__private::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $( let mut $field = ::std::option::Option::<$ty>::None; )*
                        $( let mut $rest = <$rty as ::std::default::Default>::default(); )?
                        while let ::std::option::Option::Some(key) = $crate::__private::serde::de::MapAccess::next_key::<$crate::__private::FieldKey<'de>>(&mut map)? {
                            match key.as_str() {
                                $( $wire => $crate::__private::fill_field(&mut $field, &mut map, $wire)?, )*
                                _ => $crate::__object!(@other map, key $(, $rest)?),
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $( $field: match $field {
                                ::std::option::Option::Some(value) => value,
                                ::std::option::Option::None => $crate::__object!(@missing A, $wire $(, $mode $(= $default)?)?),
                            }, )*
                            $( $rest, )?
                        })
                    }
                }
                $crate::__object!(@deserialize deserializer, $name, __Visitor, [$($wire),*] $(, $rest)?)
            }
        }
    };
    (@len $value:expr) => { 1 };
    (@len $value:expr, optional) => { usize::from(::std::option::Option::is_some(&$value)) };
    (@len $value:expr, default) => { 1 };
    (@field $state:ident, $value:expr, $wire:literal) => {
        $crate::__private::serde::ser::SerializeStruct::serialize_field(&mut $state, $wire, &$value)?
    };
    (@field $state:ident, $value:expr, $wire:literal, optional) => {
        if ::std::option::Option::is_some(&$value) {
            $crate::__private::serde::ser::SerializeStruct::serialize_field(&mut $state, $wire, &$value)?
        } else {
            $crate::__private::serde::ser::SerializeStruct::skip_field(&mut $state, $wire)?
        }
    };
    (@field $state:ident, $value:expr, $wire:literal, default) => {
        $crate::__object!(@field $state, $value, $wire)
    };
    (@entry $state:ident, $value:expr, $wire:literal) => {
        $crate::__private::serde::ser::SerializeMap::serialize_entry(&mut $state, $wire, &$value)?
    };
    (@entry $state:ident, $value:expr, $wire:literal, optional) => {
        if ::std::option::Option::is_some(&$value) {
            $crate::__object!(@entry $state, $value, $wire)
        }
    };
    (@entry $state:ident, $value:expr, $wire:literal, default) => {
        $crate::__object!(@entry $state, $value, $wire)
    };
    (@other $map:ident, $key:ident) => {
        {
            $crate::__private::serde::de::MapAccess::next_value::<$crate::__private::serde::de::IgnoredAny>(&mut $map)?;
        }
    };
    (@other $map:ident, $key:ident, $rest:ident) => {
        {
            let value = $crate::__private::serde::de::MapAccess::next_value(&mut $map)?;
            $rest.insert($key.into_string(), value);
        }
    };
    (@missing $access:ident, $wire:literal) => {
        $crate::__private::missing_field::<_, $access::Error>($wire)?
    };
    (@missing $access:ident, $wire:literal, optional) => {
        ::std::option::Option::None
    };
    (@missing $access:ident, $wire:literal, default = $default:path) => {
        $default()
    };
    (@deserialize $deserializer:ident, $name:ident, $visitor:ident, [$($wire:literal),*]) => {
        $crate::__private::serde::Deserializer::deserialize_struct($deserializer, ::std::stringify!($name), &[$($wire),*], $visitor)
    };
    (@deserialize $deserializer:ident, $name:ident, $visitor:ident, [$($wire:literal),*], $rest:ident) => {
        $crate::__private::serde::Deserializer::deserialize_map($deserializer, $visitor)
    };
}

/// A property name read by a generated struct's visitor: borrowed from the input when it can
/// be.
pub struct FieldKey<'de>(Cow<'de, str>);

impl FieldKey<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (for a `flatten` map).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(FieldKeyVisitor)
    }
}

struct FieldKeyVisitor;

impl<'de> Visitor<'de> for FieldKeyVisitor {
    type Value = FieldKey<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(FieldKey(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(FieldKey(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(FieldKey(Cow::Owned(value)))
    }
}

/// Reads the value of property `wire` into `slot`; a property given twice is an error, as
/// with `#[derive(Deserialize)]`.
///
/// # Errors
///
/// The value's own error, or `duplicate field` when `slot` is already filled.
pub fn fill_field<'de, T: Deserialize<'de> + 'static, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    wire: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(wire));
    }
    // Timestamps take the fast path of `timestamp`; in an optimised build the type test folds
    // away, leaving one path per field type.
    let any: &mut dyn Any = slot;
    if let Some(slot) = any.downcast_mut::<Option<DateTime>>() {
        *slot = Some(map.next_value::<Timestamp>()?.0);
        return Ok(());
    }
    if let Some(slot) = any.downcast_mut::<Option<Option<DateTime>>>() {
        *slot = Some(map.next_value::<Option<Timestamp>>()?.map(|timestamp| timestamp.0));
        return Ok(());
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of a required property that is absent: `None` for an `Option` (a nullable
/// property may be left out), else the `missing field` error — what `#[derive(Deserialize)]`
/// does.
///
/// # Errors
///
/// `missing field` for every type but `Option`.
pub fn missing_field<'de, T: Deserialize<'de>, E: de::Error>(wire: &'static str) -> Result<T, E> {
    T::deserialize(MissingField {
        wire,
        error: PhantomData,
    })
}

/// A deserializer for an absent property: `None` to an `Option`, an error to everything else.
struct MissingField<E> {
    wire: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.wire))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    crate::__object! {
        ser de
        /// A struct with every kind of field.
        #[derive(Debug, Clone, PartialEq)]
        struct Sample {
            /// Required.
            id: i64 = "id",
            /// Required but nullable.
            nullable: Option<String> = "nullable",
            /// Optional, renamed.
            r#type: Option<String> = "type" optional,
            /// With a default.
            enabled: bool = "enabled" default = crate::__private::default_bool::<true>,
        }
    }

    crate::__object! {
        ser de
        /// A struct that keeps unnamed properties.
        #[derive(Debug, Clone, PartialEq)]
        struct Open {
            /// Optional.
            name: Option<String> = "name" optional,
        }
        flatten
        /// The rest.
        additional_properties: BTreeMap<String, i64>;
    }

    #[test]
    fn absent_properties_take_their_defaults() {
        let sample: Sample = serde_json::from_str(r#"{"id": 7, "extra": [1, {"a": 2}]}"#).unwrap();
        assert_eq!(
            sample,
            Sample {
                id: 7,
                nullable: None,
                r#type: None,
                enabled: true,
            }
        );
    }

    #[test]
    fn round_trips_leaving_out_empty_optional_fields() {
        let sample = Sample {
            id: 1,
            nullable: None,
            r#type: Some("x".into()),
            enabled: false,
        };
        let text = serde_json::to_string(&sample).unwrap();
        assert_eq!(text, r#"{"id":1,"nullable":null,"type":"x","enabled":false}"#);
        assert_eq!(serde_json::from_str::<Sample>(&text).unwrap(), sample);
        let empty = Sample { r#type: None, ..sample };
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"id":1,"nullable":null,"enabled":false}"#
        );
    }

    #[test]
    fn errors_name_the_property() {
        let missing = serde_json::from_str::<Sample>(r#"{"nullable": null}"#).unwrap_err();
        assert!(missing.to_string().contains("missing field `id`"), "{missing}");
        let twice = serde_json::from_str::<Sample>(r#"{"id": 1, "id": 2}"#).unwrap_err();
        assert!(twice.to_string().contains("duplicate field `id`"), "{twice}");
        let wrong = serde_json::from_str::<Sample>(r#"{"id": "seven"}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type: string"), "{wrong}");
        let not_object = serde_json::from_str::<Sample>("[1]").unwrap_err();
        assert!(not_object.to_string().contains("struct Sample"), "{not_object}");
    }

    #[test]
    fn escaped_and_owned_keys_are_read() {
        let escaped: Sample = serde_json::from_str(r#"{"\u0069d": 3}"#).unwrap();
        assert_eq!(escaped.id, 3);
        let value = serde_json::json!({"id": 4, "type": "t"});
        let owned: Sample = serde_json::from_value(value.clone()).unwrap();
        let borrowed = Sample::deserialize(&value).unwrap();
        assert_eq!(owned, borrowed);
        assert_eq!(owned.r#type.as_deref(), Some("t"));
    }

    #[test]
    fn flatten_keeps_unnamed_properties() {
        let open: Open = serde_json::from_str(r#"{"name": "n", "a": 1, "b": 2}"#).unwrap();
        assert_eq!(open.name.as_deref(), Some("n"));
        assert_eq!(open.additional_properties.len(), 2);
        assert_eq!(serde_json::to_string(&open).unwrap(), r#"{"name":"n","a":1,"b":2}"#);
        let wrong = serde_json::from_str::<Open>(r#"{"a": "text"}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
    }

    crate::__object! {
        de
        /// A struct with timestamps.
        #[derive(Debug, Clone, PartialEq)]
        struct Stamped {
            /// Required.
            at: crate::types::DateTime = "at",
            /// Optional.
            until: Option<crate::types::DateTime> = "until" optional,
        }
    }

    /// Timestamp fields decode as chrono decodes them, whichever path the value takes.
    #[test]
    fn timestamp_fields_decode_as_chrono_does() {
        let chrono = |text: &str| text.parse::<chrono::DateTime<chrono::FixedOffset>>().unwrap().to_utc();
        let both: Stamped =
            serde_json::from_str(r#"{"at": "2024-05-01T12:30:45.5+02:00", "until": "2024-05-01t23:59:60z"}"#).unwrap();
        assert_eq!(both.at, chrono("2024-05-01T12:30:45.5+02:00"));
        assert_eq!(both.until, Some(chrono("2024-05-01t23:59:60z")), "left to chrono");
        let absent: Stamped = serde_json::from_str(r#"{"at": "2024-05-01T12:30:45Z", "until": null}"#).unwrap();
        assert_eq!(absent.until, None);
        // The same message; only the position differs.
        let message = |err: serde_json::Error| err.to_string().split(" at line").next().unwrap_or_default().to_owned();
        let wrong = serde_json::from_str::<Stamped>(r#"{"at": "yesterday"}"#).unwrap_err();
        let expected = serde_json::from_str::<chrono::DateTime<chrono::Utc>>(r#""yesterday""#).unwrap_err();
        assert_eq!(message(wrong), message(expected));
        let twice = serde_json::from_str::<Stamped>(r#"{"at": "2024-05-01T12:30:45Z", "at": "2024-05-01T12:30:45Z"}"#)
            .unwrap_err();
        assert!(twice.to_string().contains("duplicate field `at`"), "{twice}");
    }

    use serde::Deserialize as _;
}
