//! Schema → type conversion.

use std::collections::BTreeSet;

use conductor_spec::unescape_token;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Field, FieldDefault, Hint, SchemaRef, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace};
use crate::names::{field_name, type_name, NameSet};

/// Deeper nesting than this becomes `serde_json::Value` (with a warning).
const MAX_DEPTH: usize = 48;

/// What a schema is, before deciding whether it needs a named type; borrows the schema.
enum Shape<'s> {
    /// Spelled directly (primitives, arrays, maps, `Value`).
    Direct(TypeRef),
    StringEnum(Vec<String>),
    IntEnum(Vec<i64>),
    Object,
    Union {
        branches: &'s [ReferenceOr<Schema>],
        discriminator: Option<&'s openapiv3::Discriminator>,
    },
    /// `allOf` with a single part and nothing else, or one part beside parts that only annotate
    /// it: that part itself (with its index, for its pointer).
    SinglePart(usize, &'s ReferenceOr<Schema>),
}

/// A schema gathered into an object: borrowed where it was found, owned when it was read from
/// the raw document for a reference outside `components/schemas`.
enum PartSchema<'s> {
    Borrowed(SchemaRef<'s>),
    Owned(Box<ReferenceOr<Schema>>),
}

impl PartSchema<'_> {
    fn as_ref(&self) -> SchemaRef<'_> {
        match self {
            PartSchema::Borrowed(schema) => *schema,
            PartSchema::Owned(schema) => SchemaRef::from(&**schema),
        }
    }
}

/// The properties of an object schema, with `allOf` parts merged in.
struct ObjectParts<'s> {
    properties: IndexMap<String, (PartSchema<'s>, String)>,
    required: BTreeSet<String>,
    additional: Option<(PartSchema<'s>, String)>,
    /// `allOf` parts that are unions: represented as flattened free-form data.
    opaque_parts: usize,
}

impl Default for ObjectParts<'_> {
    fn default() -> Self {
        Self {
            properties: IndexMap::new(),
            required: BTreeSet::new(),
            additional: None,
            opaque_parts: 0,
        }
    }
}

/// The parts of an object schema `collect_object` looks at.
type ObjectView<'s> = (
    Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'s [String],
    Option<&'s AdditionalProperties>,
    Option<&'s Vec<ReferenceOr<Schema>>>,
    bool,
);

/// `pointer` with one more token, escaped.
fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    conductor_spec::push_token(&mut out, token);
    out
}

impl<'a> TypeSpace<'a> {
    /// Converts a schema found at `pointer`; `hint` names any type it needs.
    pub(crate) fn convert<'h>(&mut self, schema: SchemaRef<'_>, hint: impl Into<Hint<'h>>, pointer: &str) -> TypeRef {
        let hint = hint.into();
        match schema {
            SchemaRef::Ref(reference) => self.resolve_ref(reference, hint, pointer),
            SchemaRef::Inline(schema) => self.convert_inline(schema, hint, pointer),
        }
    }

    fn convert_owned<'h>(&mut self, schema: &ReferenceOr<Schema>, hint: impl Into<Hint<'h>>, pointer: &str) -> TypeRef {
        self.convert(SchemaRef::from(schema), hint, pointer)
    }

    /// The type a `$ref` names. Refs to `#/components/schemas/X` name X's type; other refs
    /// are followed and converted once per target.
    pub(crate) fn resolve_ref(&mut self, reference: &str, hint: Hint<'_>, pointer: &str) -> TypeRef {
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            let name = unescape_token(name);
            if let Some(&id) = self.components.get(name.as_ref()) {
                let named = TypeRef::Named(id);
                return if self.nullable_components.contains(&id) {
                    named.optional()
                } else {
                    named
                };
            }
        }
        let Some(target_pointer) = reference.strip_prefix('#') else {
            self.warn(
                pointer,
                format!("the reference `{reference}` is not local; using serde_json::Value"),
            );
            return TypeRef::Value;
        };
        if let Some(done) = self.by_pointer.get(reference) {
            return done.clone();
        }
        let Some(raw) = conductor_spec::resolve_pointer(self.raw, target_pointer) else {
            self.warn(
                pointer,
                format!("unresolved reference `{reference}`; using serde_json::Value"),
            );
            return TypeRef::Value;
        };
        let Ok(schema) = conductor_spec::schema_from_json(raw) else {
            self.warn(
                pointer,
                format!("the reference `{reference}` does not point at a schema; using serde_json::Value"),
            );
            return TypeRef::Value;
        };
        // Guard against reference loops while converting.
        self.by_pointer.insert(reference.to_owned(), TypeRef::Value);
        let converted = self.convert_owned(&schema, hint, reference);
        self.by_pointer.insert(reference.to_owned(), converted.clone());
        converted
    }

    fn convert_inline(&mut self, schema: &Schema, hint: Hint<'_>, pointer: &str) -> TypeRef {
        let nullable = schema.schema_data.nullable;
        let ty = match self.shape(schema, pointer) {
            Shape::Direct(ty) => ty,
            Shape::SinglePart(index, part) => self.convert_owned(part, hint, &format!("{pointer}/allOf/{index}")),
            shape => {
                if let Some(done) = self.by_pointer.get(pointer) {
                    done.clone()
                } else if self.depth > MAX_DEPTH {
                    self.warn(pointer, "schema nests too deeply; using serde_json::Value".to_owned());
                    TypeRef::Value
                } else {
                    let id = self.reserve(type_name(&hint.text()), pointer.to_owned());
                    self.by_pointer.insert(pointer.to_owned(), TypeRef::Named(id));
                    self.depth += 1;
                    self.define_shape(id, schema, shape, pointer);
                    self.depth -= 1;
                    TypeRef::Named(id)
                }
            }
        };
        if nullable {
            ty.optional()
        } else {
            ty
        }
    }

    /// Fills in the type `id` from `schema` (nullability is the caller's business).
    pub(crate) fn define(&mut self, id: TypeId, schema: &Schema, pointer: &str) {
        let shape = self.shape(schema, pointer);
        self.define_shape(id, schema, shape, pointer);
    }

    /// As [`Self::define`], with the schema's shape already worked out (a shape that needs a
    /// type is found without side effects, so it is the one `define` would find).
    fn define_shape(&mut self, id: TypeId, schema: &Schema, shape: Shape<'_>, pointer: &str) {
        let data = &schema.schema_data;
        self.defs[id].doc = data.description.clone().or_else(|| data.title.clone());
        self.defs[id].deprecated = data.deprecated;
        let name = self.defs[id].name.clone();
        let kind = match shape {
            Shape::Direct(ty) => TypeKind::Alias(ty),
            Shape::SinglePart(index, part) => {
                let ty = self.convert_owned(part, &name, &format!("{pointer}/allOf/{index}"));
                TypeKind::Alias(ty)
            }
            Shape::StringEnum(values) => {
                let mut names = NameSet::default();
                let variants = values
                    .into_iter()
                    .map(|wire| (names.claim(type_name(&wire)), wire))
                    .collect();
                TypeKind::StringEnum {
                    variants,
                    other: names.claim("Other".to_owned()),
                }
            }
            Shape::IntEnum(values) => {
                let mut names = NameSet::default();
                let variants = values
                    .into_iter()
                    .map(|value| (names.claim(type_name(&value.to_string())), value))
                    .collect();
                TypeKind::IntEnum {
                    variants,
                    other: names.claim("Other".to_owned()),
                }
            }
            Shape::Object => self.object_kind(schema, &name, pointer),
            Shape::Union {
                branches,
                discriminator,
            } => self.union_kind(branches, discriminator, &name, pointer),
        };
        self.defs[id].kind = kind;
    }

    fn shape<'s>(&mut self, schema: &'s Schema, pointer: &str) -> Shape<'s> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = dedup(s.enumeration.iter().flatten().cloned());
                if !values.is_empty() {
                    return Shape::StringEnum(values);
                }
                Shape::Direct(string_format(&s.format))
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<i64> = dedup(i.enumeration.iter().flatten().copied());
                if !values.is_empty() {
                    return Shape::IntEnum(values);
                }
                Shape::Direct(match &i.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uint32" => TypeRef::U32,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" => TypeRef::U64,
                    _ => TypeRef::I64,
                })
            }
            SchemaKind::Type(Type::Number(n)) => Shape::Direct(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Direct(TypeRef::Bool),
            SchemaKind::Type(Type::Array(a)) => self.array_shape(a.items.as_ref(), pointer),
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    self.map_shape(o.additional_properties.as_ref(), pointer)
                } else {
                    Shape::Object
                }
            }
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                union_shape(branches, schema)
            }
            SchemaKind::AllOf { all_of } => {
                if all_of.len() == 1 {
                    Shape::SinglePart(0, &all_of[0])
                } else if all_of.is_empty() {
                    Shape::Direct(TypeRef::Value)
                } else if let Some((index, part)) = scalar_among_annotations(all_of) {
                    Shape::SinglePart(index, part)
                } else {
                    Shape::Object
                }
            }
            SchemaKind::Not { .. } => Shape::Direct(TypeRef::Value),
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty() || !any.any_of.is_empty() {
                    if any.properties.is_empty() && any.all_of.is_empty() {
                        let branches = if any.one_of.is_empty() {
                            &any.any_of
                        } else {
                            &any.one_of
                        };
                        return union_shape(branches, schema);
                    }
                    return Shape::Object;
                }
                if !any.properties.is_empty() || any.all_of.len() > 1 {
                    return Shape::Object;
                }
                if any.all_of.len() == 1 {
                    return Shape::SinglePart(0, &any.all_of[0]);
                }
                match any.typ.as_deref() {
                    Some("string") => {
                        let values = dedup(any.enumeration.iter().filter_map(|v| v.as_str().map(str::to_owned)));
                        if values.is_empty() {
                            Shape::Direct(TypeRef::String)
                        } else {
                            Shape::StringEnum(values)
                        }
                    }
                    Some("integer") => Shape::Direct(TypeRef::I64),
                    Some("number") => Shape::Direct(TypeRef::F64),
                    Some("boolean") => Shape::Direct(TypeRef::Bool),
                    Some("array") => self.array_shape(any.items.as_ref(), pointer),
                    Some("object") => self.map_shape(any.additional_properties.as_ref(), pointer),
                    _ => {
                        // Untyped enums of strings are common (e.g. `enum: [a, b]` with no type).
                        let strings: Vec<String> = any
                            .enumeration
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect();
                        if !strings.is_empty()
                            && strings.len() == any.enumeration.iter().filter(|v| !v.is_null()).count()
                        {
                            Shape::StringEnum(dedup(strings.into_iter()))
                        } else {
                            Shape::Direct(TypeRef::Value)
                        }
                    }
                }
            }
        }
    }

    fn array_shape(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, pointer: &str) -> Shape<'static> {
        let items = match items {
            Some(items) => {
                let hint = format!("{}Item", self.hint_for(pointer));
                self.convert(SchemaRef::from(items), &hint, &[pointer, "/items"].concat())
            }
            None => TypeRef::Value,
        };
        Shape::Direct(TypeRef::Vec(Box::new(items)))
    }

    fn map_shape(&mut self, additional: Option<&AdditionalProperties>, pointer: &str) -> Shape<'static> {
        match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let hint = format!("{}Value", self.hint_for(pointer));
                let ty = self.convert(
                    SchemaRef::from(&**value),
                    &hint,
                    &[pointer, "/additionalProperties"].concat(),
                );
                Shape::Direct(TypeRef::Map(Box::new(ty)))
            }
            _ => Shape::Direct(TypeRef::Value),
        }
    }

    /// The name of the type defined at `pointer`, or a name made from the pointer's last token.
    fn hint_for(&self, pointer: &str) -> String {
        if let Some(TypeRef::Named(id)) = self.by_pointer.get(pointer) {
            return self.defs[*id].name.clone();
        }
        if let Some(&id) = self.by_origin.get(pointer) {
            return self.defs[id].name.clone();
        }
        pointer
            .rsplit('/')
            .find(|t| !t.is_empty() && !matches!(*t, "schema" | "items" | "properties" | "content"))
            .map_or_else(|| "Item".to_owned(), |t| type_name(&unescape_token(t)))
    }

    fn object_kind(&mut self, schema: &Schema, name: &str, pointer: &str) -> TypeKind {
        let mut parts = ObjectParts::default();
        let mut seen = BTreeSet::new();
        self.collect_object(SchemaRef::Inline(schema), pointer, &mut parts, &mut seen, 0);
        if parts.opaque_parts > 0 {
            self.warn(
                pointer,
                "an `allOf` part is a union; its extra fields are kept as free-form JSON".to_owned(),
            );
        }
        let mut field_names = NameSet::default();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, (property, property_pointer)) in &parts.properties {
            let hint = Hint::Part {
                owner: name,
                part: wire,
            };
            let property = property.as_ref();
            let mut ty = self.convert(property, hint, property_pointer);
            let (mut doc, deprecated, read_only, write_only, default) = match property {
                SchemaRef::Inline(schema) => {
                    let data = &schema.schema_data;
                    (
                        data.description.clone().or_else(|| data.title.clone()),
                        data.deprecated,
                        data.read_only,
                        data.write_only,
                        data.default.clone(),
                    )
                }
                SchemaRef::Ref(_) => (None, false, false, false, None),
            };
            let optional = !parts.required.contains(wire) || read_only || write_only;
            let mut field_default = None;
            if let Some(value) = &default {
                let note = format!("Defaults to `{value}`.");
                doc = Some(match doc {
                    Some(text) => format!("{}\n\n{note}", text.trim_end()),
                    None => note,
                });
                if optional && !read_only && !write_only {
                    field_default = FieldDefault::of(&ty, value);
                }
            }
            if optional && field_default.is_none() {
                ty = ty.optional();
            }
            fields.push(Field {
                name: field_names.claim(field_name(wire)),
                wire: wire.clone(),
                ty,
                doc,
                deprecated,
                optional,
                default: field_default,
            });
        }
        let additional = match parts.additional {
            Some((schema, additional_pointer)) => {
                let hint = [name, "Value"].concat();
                Some(self.convert(schema.as_ref(), &hint, &additional_pointer))
            }
            None if parts.opaque_parts > 0 => Some(TypeRef::Value),
            None => None,
        };
        TypeKind::Struct { fields, additional }
    }

    /// Gathers properties from an object schema and its `allOf` parts, following references.
    fn collect_object<'s>(
        &mut self,
        schema: SchemaRef<'s>,
        pointer: &str,
        parts: &mut ObjectParts<'s>,
        seen: &mut BTreeSet<String>,
        depth: usize,
    ) where
        'a: 's,
    {
        if depth > MAX_DEPTH {
            return;
        }
        let (schema, pointer): (&'s Schema, String) = match schema {
            SchemaRef::Ref(reference) => {
                if !seen.insert(reference.to_owned()) {
                    return;
                }
                match self.lookup_schema(reference) {
                    Some(std::borrow::Cow::Borrowed(ReferenceOr::Item(schema))) => (schema, reference.to_owned()),
                    Some(std::borrow::Cow::Owned(ReferenceOr::Item(schema))) => {
                        // Read from the raw document: its parts are owned here.
                        self.collect_owned(schema, reference, parts, seen, depth);
                        return;
                    }
                    Some(_) => return,
                    None => {
                        self.warn(pointer, format!("unresolved reference `{reference}` in allOf"));
                        return;
                    }
                }
            }
            SchemaRef::Inline(schema) => (schema, pointer.to_owned()),
        };
        let no_names: &[String] = &[];
        let (properties, required, additional, all_of, unions): ObjectView<'_> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                &o.required,
                o.additional_properties.as_ref(),
                None,
                false,
            ),
            SchemaKind::AllOf { all_of } => (None, no_names, None, Some(all_of), false),
            SchemaKind::Any(any) => (
                Some(&any.properties),
                &any.required,
                any.additional_properties.as_ref(),
                Some(&any.all_of),
                !any.one_of.is_empty() || !any.any_of.is_empty(),
            ),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => (None, no_names, None, None, true),
            _ => (None, no_names, None, None, false),
        };
        if unions {
            parts.opaque_parts += 1;
        }
        if let Some(all_of) = all_of {
            for (index, part) in all_of.iter().enumerate() {
                let part_pointer = format!("{pointer}/allOf/{index}");
                self.collect_object(SchemaRef::from(part), &part_pointer, parts, seen, depth + 1);
            }
        }
        if let Some(properties) = properties {
            let properties_pointer = [pointer.as_str(), "/properties"].concat();
            for (wire, property) in properties {
                let property_pointer = child(&properties_pointer, wire);
                parts.properties.insert(
                    wire.clone(),
                    (PartSchema::Borrowed(SchemaRef::from(property)), property_pointer),
                );
            }
        }
        parts.required.extend(required.iter().cloned());
        if let Some(AdditionalProperties::Schema(value)) = additional {
            parts.additional = Some((
                PartSchema::Borrowed(SchemaRef::from(&**value)),
                [pointer.as_str(), "/additionalProperties"].concat(),
            ));
        }
    }

    /// As [`Self::collect_object`] for a schema read from the raw document (a reference outside
    /// `components/schemas`): what it contributes is copied out of it.
    fn collect_owned<'s>(
        &mut self,
        schema: Schema,
        reference: &str,
        parts: &mut ObjectParts<'s>,
        seen: &mut BTreeSet<String>,
        depth: usize,
    ) where
        'a: 's,
    {
        let mut owned = ObjectParts::default();
        self.collect_object(SchemaRef::Inline(&schema), reference, &mut owned, seen, depth);
        parts.opaque_parts += owned.opaque_parts;
        for (wire, (property, property_pointer)) in owned.properties {
            parts.properties.insert(
                wire,
                (
                    PartSchema::Owned(Box::new(to_owned(property.as_ref()))),
                    property_pointer,
                ),
            );
        }
        parts.required.extend(owned.required);
        if let Some((additional, additional_pointer)) = owned.additional {
            parts.additional = Some((
                PartSchema::Owned(Box::new(to_owned(additional.as_ref()))),
                additional_pointer,
            ));
        }
    }

    /// The schema a reference points at, as an owned value.
    /// The schema a reference points at: borrowed from the document for component schemas,
    /// read from the raw JSON otherwise.
    fn lookup_schema(&self, reference: &str) -> Option<std::borrow::Cow<'a, ReferenceOr<Schema>>> {
        let document: &'a openapiv3::OpenAPI = self.document;
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            if let Some(schema) = document
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(unescape_token(name).as_ref()))
            {
                return Some(std::borrow::Cow::Borrowed(schema));
            }
        }
        let raw = conductor_spec::resolve_pointer(self.raw, reference.strip_prefix('#')?)?;
        conductor_spec::schema_from_json(raw).ok().map(std::borrow::Cow::Owned)
    }

    fn union_kind(
        &mut self,
        branches: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        let key = if pointer.contains("anyOf") { "anyOf" } else { "oneOf" };
        let all_refs = branches.iter().all(|b| matches!(b, ReferenceOr::Reference { .. }));
        let mut names = NameSet::default();
        if let (Some(discriminator), true) = (discriminator, all_refs) {
            let mut variants = Vec::new();
            for (index, branch) in branches.iter().enumerate() {
                let ReferenceOr::Reference { reference } = branch else {
                    continue;
                };
                let ty = self.convert_owned(
                    branch,
                    &format!("{name}Variant{}", index + 1),
                    &format!("{pointer}/{key}/{index}"),
                );
                let mut wires: Vec<String> = discriminator
                    .mapping
                    .iter()
                    .filter(|(_, target)| *target == reference || reference.ends_with(&format!("/{target}")))
                    .map(|(wire, _)| wire.clone())
                    .collect();
                if wires.is_empty() {
                    wires.push(unescape_token(reference.rsplit('/').next().unwrap_or(reference)).into_owned());
                }
                let variant = names.claim(self.variant_name(&ty));
                variants.push((variant, ty, wires));
            }
            let other = names.claim("Other".to_owned());
            return TypeKind::Tagged {
                tag: discriminator.property_name.clone(),
                variants,
                other,
            };
        }
        let mut variants: Vec<(String, TypeRef)> = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let hint = match branch {
                ReferenceOr::Item(schema) => schema
                    .schema_data
                    .title
                    .as_deref()
                    .map(|t| format!("{name}{}", type_name(t)))
                    .unwrap_or_else(|| format!("{name}Variant{}", index + 1)),
                ReferenceOr::Reference { .. } => format!("{name}Variant{}", index + 1),
            };
            let ty = self.convert_owned(branch, &hint, &format!("{pointer}/{key}/{index}"));
            if variants.iter().any(|(_, existing)| *existing == ty) {
                continue;
            }
            let variant = names.claim(self.variant_name(&ty));
            variants.push((variant, ty));
        }
        // Catch-alls last, so they do not shadow more specific variants.
        variants.sort_by_key(|(_, ty)| matches!(ty.strip_option(), TypeRef::Value));
        TypeKind::Untagged { variants }
    }

    fn variant_name(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.defs[*id].name.clone(),
            TypeRef::String => "String".to_owned(),
            TypeRef::Bool => "Boolean".to_owned(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer".to_owned(),
            TypeRef::F32 | TypeRef::F64 => "Number".to_owned(),
            TypeRef::DateTime => "DateTime".to_owned(),
            TypeRef::Date => "Date".to_owned(),
            TypeRef::Uuid => "Uuid".to_owned(),
            TypeRef::Base64 | TypeRef::Bytes => "Bytes".to_owned(),
            TypeRef::File => "File".to_owned(),
            TypeRef::Value | TypeRef::Unit => "Value".to_owned(),
            TypeRef::Vec(inner) => format!("{}List", self.variant_name(inner)),
            TypeRef::Map(inner) => format!("{}Map", self.variant_name(inner)),
            TypeRef::Option(inner) | TypeRef::Box(inner) => self.variant_name(inner),
        }
    }

    /// The definition of the type `id`.
    pub(crate) fn def(&self, id: TypeId) -> &TypeDef {
        &self.defs[id]
    }
}

fn union_shape<'s>(branches: &'s [ReferenceOr<Schema>], schema: &'s Schema) -> Shape<'s> {
    match branches.len() {
        0 => Shape::Direct(TypeRef::Value),
        1 => Shape::SinglePart(0, &branches[0]),
        _ => Shape::Union {
            branches,
            discriminator: schema.schema_data.discriminator.as_ref(),
        },
    }
}

fn to_owned(schema: SchemaRef<'_>) -> ReferenceOr<Schema> {
    match schema {
        SchemaRef::Ref(reference) => ReferenceOr::Reference {
            reference: reference.to_owned(),
        },
        SchemaRef::Inline(schema) => ReferenceOr::Item(schema.clone()),
    }
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

fn dedup<T: PartialEq>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// The one part of an `allOf` that is an inline scalar or array schema, when every other part
/// only annotates it (a description, `nullable: false`): Box writes its ids as
/// `allOf: [{type: string, ...}, {nullable: false}]`, which is that string, not an object.
fn scalar_among_annotations(all_of: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let annotation_only = |part: &ReferenceOr<Schema>| {
        matches!(part, ReferenceOr::Item(schema)
            if !schema.schema_data.nullable
                && matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default()))
    };
    let mut substantive = all_of.iter().enumerate().filter(|(_, part)| !annotation_only(part));
    let (index, part) = substantive.next()?;
    if substantive.next().is_some() {
        return None;
    }
    let ReferenceOr::Item(schema) = part else {
        return None;
    };
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_) | Type::Array(_))
    )
    .then_some((index, part))
}
