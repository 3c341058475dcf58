//! Tokens for the `types` module.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::moved;
use crate::docs::doc_attrs;
use crate::names::ident;
use crate::typespace::{Construction, FieldDefault, TypeDef, TypeKind, TypeRef, TypeSpace};

/// How a [`TypeRef`] is spelled; `prefix` is the path to the `types` module from where the
/// spelling is used (empty inside it).
pub(crate) fn type_tokens(space: &TypeSpace<'_>, rt: &syn::Path, prefix: &TokenStream, ty: &TypeRef) -> TokenStream {
    let inner = |ty: &TypeRef| type_tokens(space, rt, prefix, ty);
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&space.def(*id).name);
            quote! { #prefix #name }
        }
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::U32 => quote! { u32 },
        TypeRef::U64 => quote! { u64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::DateTime => quote! { #rt::types::DateTime },
        TypeRef::Date => quote! { #rt::types::Date },
        TypeRef::Uuid => quote! { #rt::types::Uuid },
        TypeRef::Base64 => quote! { #rt::types::Base64 },
        TypeRef::Bytes => quote! { #rt::types::Bytes },
        TypeRef::File => quote! { #rt::FilePart },
        TypeRef::Value => quote! { #rt::types::Value },
        TypeRef::Unit => quote! { () },
        TypeRef::Vec(item) => {
            let item = moved([inner(item)]);
            quote! { ::std::vec::Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = moved([inner(value)]);
            quote! { ::std::collections::BTreeMap<::std::string::String, #value> }
        }
        TypeRef::Option(value) => {
            let value = moved([inner(value)]);
            quote! { ::std::option::Option<#value> }
        }
        TypeRef::Box(value) => {
            let value = moved([inner(value)]);
            quote! { ::std::boxed::Box<#value> }
        }
    }
}

fn type_doc(def: &TypeDef) -> TokenStream {
    let text = match &def.doc {
        Some(doc) if !doc.trim().is_empty() => format!("{}\n\nGenerated from `{}`.", doc.trim(), def.origin),
        _ => format!("Generated from `{}`.", def.origin),
    };
    doc_attrs(&text)
}

/// Whether a type implements `Serialize` / `Deserialize`. A type no operation reaches is only
/// deserializable (such schemas are usually webhook or event payloads).
fn directions(def: &TypeDef) -> (bool, bool) {
    if !def.ser && !def.de {
        (false, true)
    } else {
        (def.ser, def.de)
    }
}

/// The `types` module; unreached types are emitted only when `all_schemas` is set.
pub(crate) fn types_module(space: &TypeSpace<'_>, rt: &syn::Path, all_schemas: bool) -> TokenStream {
    let items = space
        .defs
        .iter()
        .filter(|def| all_schemas || def.ser || def.de)
        .map(|def| type_item(space, rt, def));
    let items = moved(items);
    quote! {
        /// The models: one type per schema of the spec.
        #[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
        pub mod types {
            #items
        }
    }
}

fn type_item(space: &TypeSpace<'_>, rt: &syn::Path, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = moved([type_doc(def)]);
    let deprecated = def.deprecated.then(|| quote! { #[deprecated] });
    let empty = TokenStream::new();
    let spell = |ty: &TypeRef| type_tokens(space, rt, &empty, ty);
    let (ser, de) = directions(def);
    let flags = match (ser, de) {
        (true, true) => quote! { ser de },
        (true, false) => quote! { ser },
        _ => quote! { de },
    };
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let mut derives = vec![quote! { Debug }, quote! { Clone }];
            // A type the client sends with no required field starts from `Default` (request
            // bodies with dozens of optional fields are common): derived when every field starts
            // empty, written out when some start at the spec's `default`.
            let construction = def.construction();
            let derive_default =
                construction == Some(Construction::Default) && fields.iter().all(|f| f.default.is_none());
            if derive_default {
                derives.push(quote! { Default });
            }
            let fields_tokens = fields.iter().map(|field| {
                let field_name = ident(&field.name);
                let ty = spell(&field.ty);
                let text = match &field.doc {
                    Some(doc) if !doc.trim().is_empty() => doc.clone(),
                    _ => ["`", field.wire.as_str(), "`"].concat(),
                };
                let doc = moved([doc_attrs(&text)]);
                let wire = super::string_literal(&field.wire);
                let (ty, absent) = (moved([ty]), moved([absent_value(rt, field)]));
                let deprecated = field.deprecated.then(|| quote! { #[deprecated] });
                quote! { #doc #deprecated pub #field_name: #ty = #wire #absent, }
            });
            let fields_tokens = moved(fields_tokens);
            let flatten = additional.as_ref().map(|value| {
                let value = spell(value);
                let field_name = additional_field(fields);
                quote! {
                    flatten
                    /// Properties the schema does not name.
                    pub #field_name: ::std::collections::BTreeMap<::std::string::String, #value>;
                }
            });
            let constructor = match construction {
                Some(Construction::New { .. }) => Some(constructor(&name, fields, additional.is_some(), &spell)),
                Some(Construction::Default) if !derive_default => {
                    Some(default_impl(&name, fields, additional.is_some()))
                }
                _ => None,
            };
            quote! {
                #rt::__private::object! {
                    #flags
                    #doc
                    #deprecated
                    #[derive(#(#derives),*)]
                    pub struct #name {
                        #fields_tokens
                    }
                    #flatten
                }
                #constructor
            }
        }
        TypeKind::StringEnum { variants, other } => {
            let other = ident(other);
            let variants = moved(variants.iter().map(|(variant, wire)| {
                let variant = ident(variant);
                let doc = super::string_literal(&format!(" `{wire}`"));
                let wire = super::string_literal(wire);
                quote! { #[doc = #doc] #variant = #wire, }
            }));
            quote! {
                #rt::__private::string_enum! {
                    #doc
                    #deprecated
                    pub enum #name { #variants }
                    other #other;
                }
            }
        }
        TypeKind::IntEnum { variants, other } => {
            let other = ident(other);
            let variants = moved(variants.iter().map(|(variant, value)| {
                let variant = ident(variant);
                let doc = format!(" `{value}`");
                // `abs` would overflow on `i64::MIN`.
                let value_tokens = signed_literal(*value);
                quote! { #[doc = #doc] #variant = #value_tokens, }
            }));
            quote! {
                #rt::__private::int_enum! {
                    #doc
                    #deprecated
                    pub enum #name { #variants }
                    other #other;
                }
            }
        }
        TypeKind::Untagged { variants } => {
            let variants = moved(variants.iter().map(|(variant, ty)| {
                let variant = ident(variant);
                let ty = moved([spell(ty)]);
                quote! { #[doc = " One of the alternatives."] #variant(#ty), }
            }));
            quote! {
                #rt::__private::untagged_enum! {
                    #flags
                    #doc
                    #deprecated
                    pub enum #name { #variants }
                }
            }
        }
        TypeKind::Tagged { tag, variants, other } => {
            let other = ident(other);
            let variants = moved(variants.iter().map(|(variant, ty, wires)| {
                let variant = ident(variant);
                let ty = spell(ty);
                let doc = format!(
                    " `{tag}` is {}.",
                    wires.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" or ")
                );
                quote! { #[doc = #doc] #variant(#ty) = [#(#wires),*], }
            }));
            quote! {
                #rt::__private::tagged_enum! {
                    #flags
                    #doc
                    #deprecated
                    pub enum #name tag #tag { #variants }
                    other #other;
                }
            }
        }
        TypeKind::ByStatus { variants } => {
            let variants = moved(variants.iter().map(|(variant, ty)| {
                let doc = format!(" The response with status {}.", variant.trim_start_matches("Status"));
                let variant = ident(variant);
                let ty = spell(ty);
                quote! { #[doc = #doc] #variant(#ty), }
            }));
            quote! {
                #doc
                #[derive(Debug, Clone)]
                pub enum #name { #variants }
            }
        }
        TypeKind::Alias(target) => {
            let target = spell(target);
            quote! { #doc pub type #name = #target; }
        }
        TypeKind::Pending => {
            quote! { #doc pub type #name = #rt::types::Value; }
        }
    }
}

/// `new(required fields)` for a sent struct with required fields: the optional ones start empty
/// (or at their default), so a body with dozens of optional fields is built in one call.
fn constructor(
    name: &proc_macro2::Ident,
    fields: &[crate::typespace::Field],
    additional: bool,
    spell: &dyn Fn(&TypeRef) -> TokenStream,
) -> TokenStream {
    let required: Vec<_> = fields.iter().filter(|f| f.is_required_argument()).collect();
    let params = required.iter().map(|field| {
        let field_name = ident(&field.name);
        let ty = spell(&field.ty);
        quote! { #field_name: impl ::std::convert::Into<#ty> }
    });
    let inits = field_inits(fields, additional);
    let names = required
        .iter()
        .map(|f| format!("`{}`", f.wire))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(" A value with the required fields ({names}) set and every other field empty.");
    let allow = (required.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #inits }
            }
        }
    }
}

/// `Default` for a sent struct with no required field where some fields start at the spec's
/// `default` (a derived `Default` would start them at `false` or `0`).
fn default_impl(name: &proc_macro2::Ident, fields: &[crate::typespace::Field], additional: bool) -> TokenStream {
    let inits = field_inits(fields, additional);
    quote! {
        impl ::std::default::Default for #name {
            fn default() -> Self {
                Self { #inits }
            }
        }
    }
}

/// The fields of a fresh value: empty, at the spec's `default`, or from `new`'s argument of the
/// same name.
fn field_inits(fields: &[crate::typespace::Field], additional: bool) -> TokenStream {
    let inits = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        match (&field.ty, field.default) {
            (TypeRef::Option(_), _) => quote! { #field_name: ::std::option::Option::None },
            (_, Some(FieldDefault::Bool(value))) => quote! { #field_name: #value },
            (_, Some(FieldDefault::I32(value))) => quote! { #field_name: #value },
            (_, Some(FieldDefault::I64(value))) => quote! { #field_name: #value },
            _ => quote! { #field_name: #field_name.into() },
        }
    });
    let additional = additional.then(|| {
        let field_name = additional_field(fields);
        quote! { #field_name: ::std::collections::BTreeMap::new(), }
    });
    quote! { #(#inits,)* #additional }
}

/// The name of the map that keeps the properties a struct's schema does not name.
fn additional_field(fields: &[crate::typespace::Field]) -> proc_macro2::Ident {
    if fields.iter().any(|f| f.name == "additional_properties") {
        format_ident!("additional_properties_")
    } else {
        format_ident!("additional_properties")
    }
}

/// How a field's absence is handled, after its wire name in `object!`: `optional` (an
/// `Option` left out when empty), `default = path` (the spec's default), or nothing (required;
/// `None` if it is nullable).
fn absent_value(rt: &syn::Path, field: &crate::typespace::Field) -> TokenStream {
    if let Some(default) = field.default {
        let function = match default {
            FieldDefault::Bool(value) => quote! { default_bool::<#value> },
            FieldDefault::I32(value) => {
                let value = signed_literal(i64::from(value));
                quote! { default_i32::<{ #value }> }
            }
            FieldDefault::I64(value) => {
                let value = signed_literal(value);
                quote! { default_i64::<{ #value }> }
            }
        };
        quote! { default = #rt::__private::#function }
    } else if field.optional && matches!(field.ty, TypeRef::Option(_)) {
        quote! { optional }
    } else {
        TokenStream::new()
    }
}

/// An integer literal without a suffix, with its sign as a separate token.
fn signed_literal(value: i64) -> TokenStream {
    let literal = proc_macro2::Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote! { -#literal }
    } else {
        quote! { #literal }
    }
}
