//! Whole-model passes: alias cycles, recursive fields, and which types travel which way.

use std::collections::BTreeSet;

use super::{FieldDefault, TypeId, TypeKind, TypeRef, TypeSpace};

impl TypeSpace<'_> {
    /// Finishes the model: breaks alias cycles, boxes recursive fields.
    pub(crate) fn finish(&mut self) {
        break_alias_cycles(self);
        self.merged = merge_identical(self);
        // Directions were marked on the types before merging; mark again so every canonical
        // type carries the directions of the copies that now alias it.
        for def in &mut self.defs {
            def.ser = false;
            def.de = false;
        }
        for (root, ser, de) in std::mem::take(&mut self.roots) {
            mark_direction(self, &root, ser, de);
        }
        box_recursive_fields(self);
    }

    /// Marks every type reachable from `root` as sent (`ser`) and/or received (`de`).
    pub(crate) fn mark(&mut self, root: &TypeRef, ser: bool, de: bool) {
        self.roots.push((root.clone(), ser, de));
        mark_direction(self, root, ser, de);
    }
}

/// `A = B`, `B = A` cannot be spelled in Rust; such aliases become `serde_json::Value`.
fn break_alias_cycles(space: &mut TypeSpace<'_>) {
    for start in 0..space.defs.len() {
        let mut seen = BTreeSet::new();
        let mut current = start;
        loop {
            if !seen.insert(current) {
                let pointer = space.defs[start].origin.clone();
                space.defs[start].kind = TypeKind::Alias(TypeRef::Value);
                space.warn(
                    &pointer,
                    "the schema only refers to itself; using serde_json::Value".to_owned(),
                );
                break;
            }
            match &space.defs[current].kind {
                TypeKind::Alias(target) => match target.strip_option() {
                    TypeRef::Named(next) => current = *next,
                    _ => break,
                },
                _ => break,
            }
        }
    }
}

/// The types a type contains by value (not behind a `Vec`, map or `Box`).
fn by_value(space: &TypeSpace<'_>, id: TypeId) -> Vec<TypeId> {
    fn inline_named(ty: &TypeRef, out: &mut Vec<TypeId>) {
        match ty {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Option(inner) => inline_named(inner, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match &space.defs[id].kind {
        TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| inline_named(&f.ty, &mut out)),
        TypeKind::Untagged { variants } | TypeKind::ByStatus { variants } => {
            variants.iter().for_each(|(_, ty)| inline_named(ty, &mut out))
        }
        TypeKind::Tagged { variants, .. } => variants.iter().for_each(|(_, ty, _)| inline_named(ty, &mut out)),
        TypeKind::Alias(ty) => inline_named(ty, &mut out),
        _ => {}
    }
    out
}

/// Strongly connected components of the by-value graph (Tarjan, iterative).
fn components(space: &TypeSpace<'_>) -> Vec<usize> {
    let n = space.defs.len();
    let edges: Vec<Vec<TypeId>> = (0..n).map(|id| by_value(space, id)).collect();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Boxes every by-value reference that stays within one strongly connected component, so
/// recursive types have a finite size.
fn box_recursive_fields(space: &mut TypeSpace<'_>) {
    let component = components(space);
    let boxed = |ty: &mut TypeRef, from: TypeId| {
        let target = match ty.strip_option() {
            TypeRef::Named(target) => *target,
            _ => return,
        };
        if component[target] != component[from] {
            return;
        }
        match ty {
            TypeRef::Option(inner) => {
                let inner_ty = std::mem::replace(&mut **inner, TypeRef::Unit);
                **inner = TypeRef::Box(Box::new(inner_ty));
            }
            other => {
                let inner_ty = std::mem::replace(other, TypeRef::Unit);
                *other = TypeRef::Box(Box::new(inner_ty));
            }
        }
    };
    for id in 0..space.defs.len() {
        match &mut space.defs[id].kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| boxed(&mut f.ty, id)),
            TypeKind::Untagged { variants } | TypeKind::ByStatus { variants } => {
                variants.iter_mut().for_each(|(_, ty)| boxed(ty, id))
            }
            TypeKind::Tagged { variants, .. } => variants.iter_mut().for_each(|(_, ty, _)| boxed(ty, id)),
            TypeKind::Alias(ty) => {
                // An alias to itself through Option cannot be boxed meaningfully; it was broken
                // into Value by `break_alias_cycles` when it had no other shape.
                let _ = ty;
            }
            _ => {}
        }
    }
}

/// Marks the types reachable from `root` as sent and/or received.
fn mark_direction(space: &mut TypeSpace<'_>, root: &TypeRef, ser: bool, de: bool) {
    let mut pending = Vec::new();
    root.named(&mut pending);
    while let Some(id) = pending.pop() {
        let def = &mut space.defs[id];
        let needs_ser = ser && !def.ser;
        let needs_de = de && !def.de;
        if !needs_ser && !needs_de {
            continue;
        }
        def.ser |= ser;
        def.de |= de;
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                fields.iter().for_each(|f| f.ty.named(&mut pending));
                if let Some(additional) = additional {
                    additional.named(&mut pending);
                }
            }
            TypeKind::Untagged { variants } | TypeKind::ByStatus { variants } => {
                variants.iter().for_each(|(_, ty)| ty.named(&mut pending))
            }
            TypeKind::Tagged { variants, .. } => variants.iter().for_each(|(_, ty, _)| ty.named(&mut pending)),
            TypeKind::Alias(ty) => ty.named(&mut pending),
            _ => {}
        }
    }
}

/// Whether a type was defined by a component schema (those keep their own identity).
fn is_component(origin: &str) -> bool {
    origin
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| !name.contains('/'))
}

/// A structural key for a type: its kind with references mapped to canonical types and docs
/// dropped, written out as bytes (strings length-prefixed, so distinct kinds never share a
/// key), so structurally identical inline schemas get the same key.
fn structural_key(kind: &TypeKind, canonical: &[TypeId]) -> Option<Vec<u8>> {
    let mut key = Key(Vec::with_capacity(64));
    match kind {
        TypeKind::Struct { fields, additional } => {
            key.tag(0);
            key.len(fields.len());
            for field in fields {
                key.text(&field.name);
                key.text(&field.wire);
                key.ty(&field.ty, canonical);
                key.flag(field.deprecated);
                key.flag(field.optional);
                match field.default {
                    None => key.tag(0),
                    Some(FieldDefault::Bool(value)) => {
                        key.tag(1);
                        key.flag(value);
                    }
                    Some(FieldDefault::I32(value)) => {
                        key.tag(2);
                        key.0.extend_from_slice(&value.to_le_bytes());
                    }
                    Some(FieldDefault::I64(value)) => {
                        key.tag(3);
                        key.0.extend_from_slice(&value.to_le_bytes());
                    }
                }
            }
            match additional {
                Some(additional) => {
                    key.tag(1);
                    key.ty(additional, canonical);
                }
                None => key.tag(0),
            }
        }
        TypeKind::StringEnum { variants, other } => {
            key.tag(1);
            key.len(variants.len());
            for (name, wire) in variants {
                key.text(name);
                key.text(wire);
            }
            key.text(other);
        }
        TypeKind::IntEnum { variants, other } => {
            key.tag(2);
            key.len(variants.len());
            for (name, value) in variants {
                key.text(name);
                key.0.extend_from_slice(&value.to_le_bytes());
            }
            key.text(other);
        }
        TypeKind::Untagged { variants } => {
            key.tag(3);
            key.len(variants.len());
            for (name, ty) in variants {
                key.text(name);
                key.ty(ty, canonical);
            }
        }
        TypeKind::Tagged { tag, variants, other } => {
            key.tag(4);
            key.text(tag);
            key.len(variants.len());
            for (name, ty, wires) in variants {
                key.text(name);
                key.ty(ty, canonical);
                key.len(wires.len());
                for wire in wires {
                    key.text(wire);
                }
            }
            key.text(other);
        }
        TypeKind::ByStatus { .. } | TypeKind::Alias(_) | TypeKind::Pending => return None,
    }
    Some(key.0)
}

/// The bytes of a structural key.
struct Key(Vec<u8>);

impl Key {
    fn tag(&mut self, tag: u8) {
        self.0.push(tag);
    }

    fn flag(&mut self, flag: bool) {
        self.0.push(u8::from(flag));
    }

    fn len(&mut self, len: usize) {
        self.0.extend_from_slice(&(len as u64).to_le_bytes());
    }

    fn text(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }

    /// A type reference, with named types replaced by their canonical type.
    fn ty(&mut self, ty: &TypeRef, canonical: &[TypeId]) {
        let tag = match ty {
            TypeRef::Named(id) => {
                self.tag(0);
                self.len(canonical[*id]);
                return;
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => {
                self.tag(match ty {
                    TypeRef::Vec(_) => 1,
                    TypeRef::Map(_) => 2,
                    TypeRef::Option(_) => 3,
                    _ => 4,
                });
                self.ty(inner, canonical);
                return;
            }
            TypeRef::String => 5,
            TypeRef::Bool => 6,
            TypeRef::I32 => 7,
            TypeRef::I64 => 8,
            TypeRef::U32 => 9,
            TypeRef::U64 => 10,
            TypeRef::F32 => 11,
            TypeRef::F64 => 12,
            TypeRef::DateTime => 13,
            TypeRef::Date => 14,
            TypeRef::Uuid => 15,
            TypeRef::Base64 => 16,
            TypeRef::Bytes => 17,
            TypeRef::File => 18,
            TypeRef::Value => 19,
            TypeRef::Unit => 20,
        };
        self.tag(tag);
    }
}

/// Gives structurally identical inline schemas one type: every later copy becomes an alias of
/// the first (or of an identical component schema), so names stay stable and the compiler
/// sees each shape once. Returns how many types became aliases.
fn merge_identical(space: &mut TypeSpace<'_>) -> usize {
    let n = space.defs.len();
    let mut canonical: Vec<TypeId> = (0..n).collect();
    loop {
        let mut seen: crate::fast_hash::FastMap<Vec<u8>, TypeId> = crate::fast_hash::FastMap::default();
        let mut changed = false;
        for id in 0..n {
            if canonical[id] != id {
                continue;
            }
            let Some(key) = structural_key(&space.defs[id].kind, &canonical) else {
                continue;
            };
            match seen.get(&key) {
                Some(&first) if !is_component(&space.defs[id].origin) => {
                    canonical[id] = first;
                    changed = true;
                }
                Some(_) => {}
                None => {
                    seen.insert(key, id);
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut merged = 0;
    for (id, &target) in canonical.iter().enumerate() {
        if target != id {
            space.defs[id].kind = TypeKind::Alias(TypeRef::Named(target));
            merged += 1;
        }
    }
    merged
}
