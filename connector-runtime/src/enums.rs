//! Macros generated code uses for enums, so the serde impls are written once here rather than
//! expanded by a derive for every enum of every spec.
//!
//! String and integer enums keep values the spec does not list in a catch-all variant, so an
//! API that adds a value never breaks decoding.

/// A string enum with a catch-all variant.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
        other $other:ident;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the spec does not list, kept as received.
            $other(::std::string::String),
        }

        impl $name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::$other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::$other(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(&*text))
            }
        }
    };
}

/// An integer enum with a catch-all variant.
#[doc(hidden)]
#[macro_export]
macro_rules! __int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
        other $other:ident;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the spec does not list, kept as received.
            $other(i64),
        }

        impl $name {
            /// The value as it travels on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    $( Self::$variant => $value, )*
                    Self::$other(value) => *value,
                }
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::$other(other),
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

/// A `oneOf`/`anyOf` without a discriminator: the first variant that accepts the value wins.
///
/// The first tokens say which impls to write: `ser`, `de` or `ser de`.
#[doc(hidden)]
#[macro_export]
macro_rules! __untagged_enum {
    (ser de $($rest:tt)*) => {
        $crate::__untagged_enum!(@def $($rest)*);
        $crate::__untagged_enum!(@ser $($rest)*);
        $crate::__untagged_enum!(@de $($rest)*);
    };
    (ser $($rest:tt)*) => {
        $crate::__untagged_enum!(@def $($rest)*);
        $crate::__untagged_enum!(@ser $($rest)*);
    };
    (de $($rest:tt)*) => {
        $crate::__untagged_enum!(@def $($rest)*);
        $crate::__untagged_enum!(@de $($rest)*);
        $crate::__if_mock! { $crate::__untagged_enum!(@ser $($rest)*); }
    };
    (@def $(#[$meta:meta])* $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident($ty:ty), )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
        }
    };
    (@ser $(#[$meta:meta])* $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident($ty:ty), )* }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(value) => $crate::__private::serde::Serialize::serialize(value, serializer), )*
                }
            }
        }
    };
    (@de $(#[$meta:meta])* $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident($ty:ty), )* }) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <$crate::__private::serde_json::Value as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                let mut failures = ::std::vec::Vec::<::std::string::String>::new();
                $(
                    match <$ty as $crate::__private::serde::Deserialize>::deserialize(&value) {
                        ::std::result::Result::Ok(inner) => return ::std::result::Result::Ok(Self::$variant(inner)),
                        ::std::result::Result::Err(err) => failures.push(::std::format!("{}: {}", stringify!($variant), err)),
                    }
                )*
                ::std::result::Result::Err(<D::Error as $crate::__private::serde::de::Error>::custom(::std::format_args!(
                    "the value matches no variant of {} ({})",
                    stringify!($name),
                    failures.join("; ")
                )))
            }
        }
    };
}

/// A `oneOf`/`anyOf` with a discriminator: the tag property picks the variant; an unknown tag
/// is kept as JSON in the catch-all variant.
#[doc(hidden)]
#[macro_export]
macro_rules! __tagged_enum {
    (ser de $($rest:tt)*) => {
        $crate::__tagged_enum!(@def $($rest)*);
        $crate::__tagged_enum!(@ser $($rest)*);
        $crate::__tagged_enum!(@de $($rest)*);
    };
    (ser $($rest:tt)*) => {
        $crate::__tagged_enum!(@def $($rest)*);
        $crate::__tagged_enum!(@ser $($rest)*);
    };
    (de $($rest:tt)*) => {
        $crate::__tagged_enum!(@def $($rest)*);
        $crate::__tagged_enum!(@de $($rest)*);
        $crate::__if_mock! { $crate::__tagged_enum!(@ser $($rest)*); }
    };
    (@def $(#[$meta:meta])* $vis:vis enum $name:ident tag $tag:literal { $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = [$($wire:literal),+], )* } other $other:ident;) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// A value whose tag the spec does not list, kept as received.
            $other($crate::__private::serde_json::Value),
        }
    };
    (@ser $(#[$meta:meta])* $vis:vis enum $name:ident tag $tag:literal { $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = [$($wire:literal),+], )* } other $other:ident;) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(value) => $crate::__private::serde::Serialize::serialize(value, serializer), )*
                    Self::$other(value) => $crate::__private::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    };
    (@de $(#[$meta:meta])* $vis:vis enum $name:ident tag $tag:literal { $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = [$($wire:literal),+], )* } other $other:ident;) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <$crate::__private::serde_json::Value as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get($tag).and_then($crate::__private::serde_json::Value::as_str);
                match tag {
                    $(
                        ::std::option::Option::Some($($wire)|+) => <$ty as $crate::__private::serde::Deserialize>::deserialize(&value)
                            .map(Self::$variant)
                            .map_err(<D::Error as $crate::__private::serde::de::Error>::custom),
                    )*
                    _ => ::std::result::Result::Ok(Self::$other(value)),
                }
            }
        }
    };
}
