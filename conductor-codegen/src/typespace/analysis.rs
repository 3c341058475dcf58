//! Whole-model passes: alias cycles, recursive fields, and which types travel which way.

use std::collections::BTreeSet;

use super::{TypeId, TypeKind, TypeRef, TypeSpace};

/// `A = B`, `B = A` cannot be spelled in Rust; such aliases become `serde_json::Value`.
pub(super) fn break_alias_cycles(space: &mut TypeSpace<'_>) {
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
pub(super) fn box_recursive_fields(space: &mut TypeSpace<'_>) {
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
pub(super) fn mark_direction(space: &mut TypeSpace<'_>, root: &TypeRef, ser: bool, de: bool) {
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
/// dropped, so structurally identical inline schemas get the same key.
fn structural_key(kind: &TypeKind, canonical: &[TypeId]) -> Option<TypeKind> {
    fn map(ty: &TypeRef, canonical: &[TypeId]) -> TypeRef {
        match ty {
            TypeRef::Named(id) => TypeRef::Named(canonical[*id]),
            TypeRef::Vec(inner) => TypeRef::Vec(Box::new(map(inner, canonical))),
            TypeRef::Map(inner) => TypeRef::Map(Box::new(map(inner, canonical))),
            TypeRef::Option(inner) => TypeRef::Option(Box::new(map(inner, canonical))),
            TypeRef::Box(inner) => TypeRef::Box(Box::new(map(inner, canonical))),
            other => other.clone(),
        }
    }
    let mapped = match kind {
        TypeKind::Struct { fields, additional } => {
            let fields = fields
                .iter()
                .map(|f| {
                    let mut f = f.clone();
                    f.doc = None;
                    f.ty = map(&f.ty, canonical);
                    f
                })
                .collect();
            TypeKind::Struct {
                fields,
                additional: additional.as_ref().map(|a| map(a, canonical)),
            }
        }
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => kind.clone(),
        TypeKind::Untagged { variants } => TypeKind::Untagged {
            variants: variants.iter().map(|(n, ty)| (n.clone(), map(ty, canonical))).collect(),
        },
        TypeKind::Tagged { tag, variants, other } => TypeKind::Tagged {
            tag: tag.clone(),
            variants: variants
                .iter()
                .map(|(n, ty, wires)| (n.clone(), map(ty, canonical), wires.clone()))
                .collect(),
            other: other.clone(),
        },
        TypeKind::ByStatus { .. } | TypeKind::Alias(_) | TypeKind::Pending => return None,
    };
    Some(mapped)
}

/// Gives structurally identical inline schemas one type: every later copy becomes an alias of
/// the first (or of an identical component schema), so names stay stable and the compiler
/// sees each shape once. Returns how many types became aliases.
pub(super) fn merge_identical(space: &mut TypeSpace<'_>) -> usize {
    let n = space.defs.len();
    let mut canonical: Vec<TypeId> = (0..n).collect();
    loop {
        let mut seen: std::collections::HashMap<TypeKind, TypeId> = std::collections::HashMap::new();
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
