//! What a schema's type would be called: worked out only when the schema needs a named type,
//! since most schemas (primitives, references to components) never do.

use crate::names::type_name;

/// The name wanted for a type, before it is made a unique Rust type name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hint<'h> {
    /// This text.
    Name(&'h str),
    /// `{owner}{Part}`: a property's or parameter's type, `part` spelled as a type name.
    Part { owner: &'h str, part: &'h str },
}

impl Hint<'_> {
    /// The wanted name as text.
    pub(crate) fn text(self) -> String {
        match self {
            Hint::Name(name) => name.to_owned(),
            Hint::Part { owner, part } => format!("{owner}{}", crate::case::pascal(&type_name(part))),
        }
    }
}

impl<'h> From<&'h str> for Hint<'h> {
    fn from(name: &'h str) -> Self {
        Hint::Name(name)
    }
}

impl<'h> From<&'h String> for Hint<'h> {
    fn from(name: &'h String) -> Self {
        Hint::Name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_spelled_as_type_names() {
        assert_eq!(Hint::Name("PetBody").text(), "PetBody");
        assert_eq!(
            Hint::Part {
                owner: "Pet",
                part: "owner-id"
            }
            .text(),
            "PetOwnerId"
        );
    }
}
