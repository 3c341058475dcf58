//! The model of the generated types: one [`TypeDef`] per named schema and per inline schema
//! that needs a name (objects, enums, unions), and [`TypeRef`]s that say how a value of a
//! schema is spelled in Rust.

mod analysis;
mod convert;
mod hint;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::diagnostics::Diagnostic;
use crate::names::NameSet;

pub(crate) use hint::Hint;

/// Index of a [`TypeDef`] in [`TypeSpace::defs`].
pub(crate) type TypeId = usize;

/// How a value is spelled in Rust.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TypeRef {
    Named(TypeId),
    String,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F32,
    F64,
    DateTime,
    Date,
    Uuid,
    Base64,
    /// Raw bytes (binary bodies).
    Bytes,
    /// A file sent as a part of a `multipart/form-data` body (`format: binary` there).
    File,
    /// Free-form JSON.
    Value,
    Unit,
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
    Option(Box<TypeRef>),
    Box(Box<TypeRef>),
}

impl TypeRef {
    pub(crate) fn optional(self) -> TypeRef {
        match self {
            TypeRef::Option(_) | TypeRef::Unit => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// The type without an outer `Option`.
    pub(crate) fn strip_option(&self) -> &TypeRef {
        match self {
            TypeRef::Option(inner) => inner,
            other => other,
        }
    }

    /// The type of a binary field with its bytes (also inside `Option` and `Vec`) made a `File`.
    fn replace_with_file(&self) -> TypeRef {
        match self {
            TypeRef::Option(inner) => TypeRef::Option(Box::new(inner.replace_with_file())),
            TypeRef::Vec(inner) => TypeRef::Vec(Box::new(inner.replace_with_file())),
            _ => TypeRef::File,
        }
    }

    /// Every named type this reference mentions.
    pub(crate) fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => {
                inner.named(out)
            }
            _ => {}
        }
    }
}

/// A generated type.
#[derive(Debug, Clone)]
pub(crate) struct TypeDef {
    pub(crate) name: String,
    pub(crate) doc: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) kind: TypeKind,
    /// Where the schema sits, as a JSON pointer (`#/components/schemas/Pet`).
    pub(crate) origin: String,
    /// Whether the type is sent (needs `Serialize`).
    pub(crate) ser: bool,
    /// Whether the type is received (needs `Deserialize`).
    pub(crate) de: bool,
}

impl TypeDef {
    /// How code builds a value of this type, for a struct the client sends; `None` for the
    /// other types. The one rule both the generated types and `implement`'s tests follow.
    pub(crate) fn construction(&self) -> Option<Construction> {
        let TypeKind::Struct { fields, .. } = &self.kind else {
            return None;
        };
        if !self.ser {
            return None;
        }
        let required: Vec<String> = fields
            .iter()
            .filter(|f| f.is_required_argument())
            .map(|f| f.wire.clone())
            .collect();
        Some(if required.is_empty() {
            Construction::Default
        } else {
            Construction::New { required }
        })
    }
}

/// How code builds a value of a struct the client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Construction {
    /// No field is required: the type implements `Default` (the fields the spec gives a
    /// `default` start at it, the others empty).
    Default,
    /// `Type::new(..)` takes the required fields, by wire name in the order given; the others
    /// start empty or at their `default`.
    New {
        /// The required fields' names on the wire, in the order `new` takes them.
        required: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum TypeKind {
    /// Being built; a reference to it can be made but it has no shape yet.
    Pending,
    Struct {
        fields: Vec<Field>,
        additional: Option<TypeRef>,
    },
    StringEnum {
        variants: Vec<(String, String)>,
        other: String,
    },
    IntEnum {
        variants: Vec<(String, i64)>,
        other: String,
    },
    Untagged {
        variants: Vec<(String, TypeRef)>,
    },
    Tagged {
        tag: String,
        variants: Vec<(String, TypeRef, Vec<String>)>,
        other: String,
    },
    /// An operation's responses by status, decoded by status rather than by serde.
    ByStatus {
        variants: Vec<(String, TypeRef)>,
    },
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) wire: String,
    pub(crate) ty: TypeRef,
    pub(crate) doc: Option<String>,
    pub(crate) deprecated: bool,
    /// Whether the field may be absent (not required, or read-only/write-only): `None` is then
    /// not serialized. A required nullable field serializes `None` as `null`.
    pub(crate) optional: bool,
    /// The spec's `default`, when the field's type can carry it without `Option` (booleans and
    /// integers): the field is then a plain value filled in when absent.
    pub(crate) default: Option<FieldDefault>,
}

/// A `default` the generated code applies while decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FieldDefault {
    Bool(bool),
    I32(i32),
    I64(i64),
}

impl Field {
    /// Whether `new` takes this field: neither optional nor filled from the spec's `default`.
    pub(crate) fn is_required_argument(&self) -> bool {
        !matches!(self.ty, TypeRef::Option(_)) && self.default.is_none()
    }
}

impl FieldDefault {
    /// The default for a field of type `ty`, if the value fits it.
    pub(crate) fn of(ty: &TypeRef, value: &serde_json::Value) -> Option<Self> {
        match (ty, value) {
            (TypeRef::Bool, serde_json::Value::Bool(b)) => Some(Self::Bool(*b)),
            (TypeRef::I32, serde_json::Value::Number(n)) => {
                n.as_i64().and_then(|v| i32::try_from(v).ok()).map(Self::I32)
            }
            (TypeRef::I64, serde_json::Value::Number(n)) => n.as_i64().map(Self::I64),
            _ => None,
        }
    }
}

/// All types of one expansion.
pub(crate) struct TypeSpace<'a> {
    pub(crate) document: &'a OpenAPI,
    pub(crate) raw: &'a serde_json::Value,
    pub(crate) defs: Vec<TypeDef>,
    pub(crate) names: NameSet,
    /// Component schema name → type.
    pub(crate) components: BTreeMap<String, TypeId>,
    /// Component schemas that are nullable at the top level: references to them are `Option`.
    nullable_components: std::collections::BTreeSet<TypeId>,
    /// Inline schemas already converted, by JSON pointer.
    by_pointer: crate::fast_hash::FastMap<String, TypeRef>,
    /// The latest type defined at each origin.
    by_origin: crate::fast_hash::FastMap<String, TypeId>,
    pub(crate) warnings: Vec<Diagnostic>,
    depth: usize,
    /// Every `mark` call, replayed after merging identical types.
    roots: Vec<(TypeRef, bool, bool)>,
    /// How many types became aliases of an identical type.
    pub(crate) merged: usize,
}

/// A schema as found in the document: a reference or an inline schema.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'a> TypeSpace<'a> {
    /// Reserves a name for every component schema (so names don't depend on use order), then
    /// converts each.
    pub(crate) fn new(document: &'a OpenAPI, raw: &'a serde_json::Value, renames: &crate::renames::Renames) -> Self {
        let mut space = TypeSpace {
            document,
            raw,
            defs: Vec::new(),
            names: NameSet::default(),
            components: BTreeMap::new(),
            nullable_components: Default::default(),
            by_pointer: Default::default(),
            by_origin: Default::default(),
            warnings: Vec::new(),
            depth: 0,
            roots: Vec::new(),
            merged: 0,
        };
        let Some(components) = &document.components else {
            return space;
        };
        for (name, schema) in &components.schemas {
            let id = space.reserve(
                renames
                    .types
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| crate::names::type_name(name)),
                format!("#/components/schemas/{}", conductor_spec::escape_token(name)),
            );
            space.components.insert(name.clone(), id);
            // Known before any schema is converted, so a reference that comes earlier in the
            // document than the nullable schema it names is still an `Option`.
            if let ReferenceOr::Item(schema) = schema {
                if schema.schema_data.nullable {
                    space.nullable_components.insert(id);
                }
            }
        }
        space
    }

    /// Converts every component schema.
    pub(crate) fn convert_components(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let Some(&id) = self.components.get(name) else { continue };
            let pointer = self.defs[id].origin.clone();
            match schema {
                ReferenceOr::Item(schema) => self.define(id, schema, &pointer),
                ReferenceOr::Reference { reference } => {
                    let target = self.resolve_ref(reference, Hint::Name(name), &pointer);
                    self.defs[id].kind = TypeKind::Alias(target);
                }
            }
        }
    }

    pub(crate) fn reserve(&mut self, wanted: String, origin: String) -> TypeId {
        let name = self.names.claim(wanted);
        self.by_origin.insert(origin.clone(), self.defs.len());
        self.defs.push(TypeDef {
            name,
            doc: None,
            deprecated: false,
            kind: TypeKind::Pending,
            origin,
            ser: false,
            de: false,
        });
        self.defs.len() - 1
    }

    /// Adds a type that is not a schema (an operation's responses by status).
    pub(crate) fn add_by_status(
        &mut self,
        wanted: String,
        origin: String,
        doc: String,
        variants: Vec<(String, TypeRef)>,
    ) -> TypeId {
        let id = self.reserve(wanted, origin);
        self.defs[id].doc = Some(doc);
        self.defs[id].kind = TypeKind::ByStatus { variants };
        // Decoded by status, so "received" in the sense that it must be emitted.
        self.mark(&TypeRef::Named(id), false, true);
        id
    }

    /// Makes the binary fields of the multipart body type `body` files (with a name, a content
    /// type, and bytes, a path or a stream behind them).
    pub(crate) fn use_files_in(&mut self, body: &TypeRef) {
        let TypeRef::Named(id) = *self.resolved(body.strip_option()) else {
            return;
        };
        // Which properties are binary is read from the schema the type came from.
        let raw = self.raw;
        let schema = conductor_spec::resolve_pointer(raw, self.defs[id].origin.trim_start_matches('#'));
        let binary = |wire: &str| {
            let Some(property) = schema.and_then(|s| s.get("properties")).and_then(|p| p.get(wire)) else {
                return false;
            };
            let property = property
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(|r| conductor_spec::resolve_pointer(raw, r.trim_start_matches('#')))
                .unwrap_or(property);
            let is_binary = |s: &serde_json::Value| s.get("format").is_some_and(|f| f == "binary");
            is_binary(property) || property.get("items").is_some_and(is_binary)
        };
        if let TypeKind::Struct { fields, .. } = &mut self.defs[id].kind {
            for field in fields.iter_mut().filter(|f| binary(&f.wire)) {
                field.ty = field.ty.replace_with_file();
            }
        }
    }

    /// The type a reference stands for, through aliases and boxes.
    pub(crate) fn resolved<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        for _ in 0..32 {
            match ty {
                TypeRef::Box(inner) => ty = inner,
                TypeRef::Named(id) => match &self.defs[*id].kind {
                    TypeKind::Alias(target) => ty = target,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    pub(crate) fn warn(&mut self, pointer: &str, message: String) {
        self.warnings.push(Diagnostic::warning(pointer, message));
    }
}
