//! Pretty-printing of generated tokens: `prettyplease`, plus a layout for the `object!`
//! invocations that hold the structs (a formatter prints a macro's body as one run of tokens).

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{braced, Attribute, Ident, Item, LitStr, Token, Type, Visibility};

/// Pretty-prints generated tokens with `prettyplease`.
///
/// # Errors
///
/// When the tokens do not parse as Rust items (a generator bug), with the parser's message.
pub fn render(tokens: &TokenStream) -> Result<String, String> {
    let mut file: syn::File = syn::parse2(tokens.clone()).map_err(|err| err.to_string())?;
    let mut objects = Vec::new();
    set_objects_aside(&mut file.items, &mut objects);
    let text = prettyplease::unparse(&file);
    if objects.is_empty() {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let trimmed = line.trim_start();
        let placeholder = trimmed
            .strip_prefix(PLACEHOLDER)
            .and_then(|rest| rest.strip_suffix("!();"))
            .and_then(|index| index.parse::<usize>().ok());
        match placeholder {
            Some(index) => {
                let indent = &line[..line.len() - trimmed.len()];
                for object_line in objects[index].lines() {
                    if !object_line.is_empty() {
                        out.push_str(indent);
                    }
                    out.push_str(object_line);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// The macro each laid-out invocation is replaced with until the file is printed.
const PLACEHOLDER: &str = "__conductor_object_";

/// Replaces every `object!` invocation (in `items` and the modules inside) whose body parses
/// with a placeholder, pushing its laid-out text to `objects`.
fn set_objects_aside(items: &mut [Item], objects: &mut Vec<String>) {
    for item in items {
        match item {
            Item::Mod(module) => {
                if let Some((_, inner)) = &mut module.content {
                    set_objects_aside(inner, objects);
                }
            }
            Item::Macro(invocation) if invocation.mac.path.segments.last().is_some_and(|s| s.ident == "object") => {
                let Ok(object) = syn::parse2::<Object>(invocation.mac.tokens.clone()) else {
                    continue;
                };
                let path = &invocation.mac.path;
                let path = quote::quote!(#path).to_string().replace(' ', "");
                objects.push(object.layout(&path));
                let placeholder = quote::format_ident!("{PLACEHOLDER}{}", objects.len() - 1);
                *item = syn::parse_quote! { #placeholder!(); };
            }
            _ => {}
        }
    }
}

/// The body of an `object!` invocation.
struct Object {
    flags: Vec<Ident>,
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    fields: Vec<Field>,
    flatten: Option<Field>,
}

/// A field: `#[doc] pub name: Type = "wire" mode` (`flatten` fields have no wire name).
struct Field {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    ty: Type,
    wire: Option<LitStr>,
    absent: TokenStream,
}

impl Parse for Object {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut flags = Vec::new();
        while input.peek(Ident) && !input.peek(Token![pub]) && !input.peek(Token![struct]) {
            flags.push(input.parse()?);
        }
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        input.parse::<Token![struct]>()?;
        let name = input.parse()?;
        let content;
        braced!(content in input);
        let mut fields = Vec::new();
        while !content.is_empty() {
            fields.push(Field::parse(&content, true)?);
            content.parse::<Token![,]>()?;
        }
        let flatten = if input.is_empty() {
            None
        } else {
            let keyword: Ident = input.parse()?;
            if keyword != "flatten" {
                return Err(syn::Error::new(keyword.span(), "expected `flatten`"));
            }
            let field = Field::parse(input, false)?;
            input.parse::<Token![;]>()?;
            Some(field)
        };
        Ok(Object {
            flags,
            attrs,
            vis,
            name,
            fields,
            flatten,
        })
    }
}

impl Field {
    fn parse(input: ParseStream<'_>, with_wire: bool) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let name = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty = input.parse()?;
        let (wire, absent) = if with_wire {
            input.parse::<Token![=]>()?;
            let wire = input.parse()?;
            let mut absent = TokenStream::new();
            while !input.is_empty() && !input.peek(Token![,]) {
                absent.extend([input.parse::<proc_macro2::TokenTree>()?]);
            }
            (Some(wire), absent)
        } else {
            (None, TokenStream::new())
        };
        Ok(Field {
            attrs,
            vis,
            name,
            ty,
            wire,
            absent,
        })
    }

    /// The field as a plain struct field (what `prettyplease` can print).
    fn plain(&self) -> syn::Field {
        syn::Field {
            attrs: self.attrs.clone(),
            vis: self.vis.clone(),
            mutability: syn::FieldMutability::None,
            ident: Some(self.name.clone()),
            colon_token: Some(Default::default()),
            ty: self.ty.clone(),
        }
    }

    /// What follows the type: ` = "wire" mode`.
    fn suffix(&self) -> String {
        let Some(wire) = &self.wire else {
            return String::new();
        };
        let mut suffix = format!(" = {}", quote::quote!(#wire));
        if !self.absent.is_empty() {
            // `optional` or `default = path`: a path reads best without spaces.
            let absent = self.absent.to_string().replace(' ', "");
            suffix.push(' ');
            suffix.push_str(&absent.replacen("default=", "default = ", 1));
        }
        suffix
    }
}

impl Object {
    /// The invocation laid out as a struct would be, each field followed by its wire name.
    fn layout(&self, path: &str) -> String {
        let fields: Vec<syn::Field> = self.fields.iter().map(Field::plain).collect();
        let item = syn::ItemStruct {
            attrs: self.attrs.clone(),
            vis: self.vis.clone(),
            struct_token: Default::default(),
            ident: self.name.clone(),
            generics: Default::default(),
            fields: syn::Fields::Named(syn::FieldsNamed {
                brace_token: Default::default(),
                named: fields.into_iter().collect(),
            }),
            semi_token: None,
        };
        let printed = print_item(Item::Struct(item));
        let flags = self.flags.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ");
        let mut out = format!("{path}! {{\n    {flags}\n");
        let suffixes: Vec<String> = self.fields.iter().map(Field::suffix).collect();
        for line in with_suffixes(&printed, &suffixes).lines() {
            push_indented(&mut out, line);
        }
        if let Some(flatten) = &self.flatten {
            out.push_str("    flatten\n");
            let printed = print_fields(&[flatten.plain()]);
            for line in printed.lines() {
                let line = line.strip_prefix("    ").unwrap_or(line);
                match line.strip_suffix(',') {
                    Some(last) if !line.starts_with(' ') && !line.starts_with('#') && !line.starts_with("//") => {
                        push_indented(&mut out, &format!("{last};"));
                    }
                    _ => push_indented(&mut out, line),
                }
            }
        }
        out.push_str("}\n");
        out
    }
}

fn push_indented(out: &mut String, line: &str) {
    if !line.is_empty() {
        out.push_str("    ");
    }
    out.push_str(line);
    out.push('\n');
}

fn print_item(item: Item) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    })
}

/// The lines of a struct holding `fields`, between its braces.
fn print_fields(fields: &[syn::Field]) -> String {
    let item = syn::ItemStruct {
        attrs: Vec::new(),
        vis: Visibility::Inherited,
        struct_token: Default::default(),
        ident: quote::format_ident!("S"),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named: fields.iter().cloned().collect(),
        }),
        semi_token: None,
    };
    let printed = print_item(Item::Struct(item));
    let lines: Vec<&str> = printed.lines().collect();
    lines[1..lines.len().saturating_sub(1)].join("\n")
}

/// A printed struct with each field's suffix inserted before the comma that ends it (a line
/// at the fields' indentation ending in a comma, which is not an attribute or comment).
fn with_suffixes(printed: &str, suffixes: &[String]) -> String {
    let mut out = String::with_capacity(printed.len() + suffixes.iter().map(String::len).sum::<usize>());
    let mut next = suffixes.iter();
    for line in printed.lines() {
        let field_level = line.starts_with("    ") && !line.starts_with("     ");
        let body = line.trim_start();
        let ends_field = field_level && !body.starts_with('#') && !body.starts_with("//") && body.ends_with(',');
        match (ends_field, line.strip_suffix(',')) {
            (true, Some(head)) => {
                out.push_str(head);
                out.push_str(next.next().map_or("", String::as_str));
                out.push_str(",\n");
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}
