//! Tokens for a paginated operation: `impl Paginated` and the builder's `paginate()`.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::type_tokens;
use crate::docs::doc_attrs;
use crate::names::ident;
use crate::operations::Operation;
use crate::pagination::{Pagination, Strategy};
use crate::typespace::{TypeKind, TypeRef, TypeSpace};

/// The item type of the page type `output`'s items at `pointer`, and an expression taking them
/// out of `page` as a `Vec`; `None` when the pointer does not lead to a typed array.
pub(crate) fn items_access(space: &TypeSpace<'_>, output: &TypeRef, pointer: &str) -> Option<(TypeRef, TokenStream)> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| conductor_spec::unescape_token(s).into_owned())
        .collect();
    if segments.is_empty() {
        return match space.resolved(output) {
            TypeRef::Vec(item) => Some(((**item).clone(), quote! { page })),
            TypeRef::Option(inner) => match space.resolved(inner) {
                TypeRef::Vec(item) => Some(((**item).clone(), quote! { page.unwrap_or_default() })),
                _ => None,
            },
            _ => None,
        };
    }
    // An `Option` of the value reached so far, narrowed one field at a time. The page itself is
    // one already when a success may come without a body (Azure's 200 with a list or 202 without).
    let mut expr = match space.resolved(output) {
        TypeRef::Option(_) => quote! { page },
        _ => quote! { ::std::option::Option::Some(page) },
    };
    let mut ty = output.clone();
    for segment in &segments {
        let TypeRef::Named(id) = space.resolved(ty.strip_option()) else {
            return None;
        };
        let TypeKind::Struct { fields, .. } = &space.def(*id).kind else {
            return None;
        };
        let field = fields.iter().find(|f| f.wire == *segment)?;
        let name = ident(&field.name);
        expr = match &field.ty {
            TypeRef::Option(_) => quote! { #expr.and_then(|value| value.#name) },
            _ => quote! { #expr.map(|value| value.#name) },
        };
        ty = field.ty.clone();
    }
    match space.resolved(ty.strip_option()) {
        TypeRef::Vec(item) => Some(((**item).clone(), quote! { #expr.unwrap_or_default() })),
        _ => None,
    }
}

/// `impl Paginated` and `paginate()` for an operation whose pagination was decided.
pub(crate) fn paginated_impl(
    space: &TypeSpace<'_>,
    rt: &syn::Path,
    op: &Operation,
    output: &TypeRef,
) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let (item, take_items) = items_access(space, output, &pagination.items)?;
    let prefix = quote! { types:: };
    let item = type_tokens(space, rt, &prefix, &item);
    let name = ident(&op.builder_name);
    let strategy = strategy_tokens(rt, pagination);
    let items = &pagination.items;
    let doc = doc_attrs(&format!(
        "Pages through the results lazily: {}.\n\nEvery page is a full call (credentials, \
         rate limiting, retries); `.paginate().items()` is a `Stream` of items, `.pages()` one \
         of pages with their headers.",
        pagination.describe()
    ));
    Some(quote! {
        impl #name {
            #doc
            pub fn paginate(self) -> #rt::Paginator<Self> {
                #rt::Paginator::new(self)
            }
        }

        impl #rt::Paginated for #name {
            type Item = #item;
            const PAGINATION: #rt::PaginationSpec = #rt::PaginationSpec {
                strategy: #strategy,
                items: #items,
            };

            fn page_items(page: Self::Output) -> ::std::vec::Vec<Self::Item> {
                #take_items
            }
        }
    })
}

fn option_str(value: Option<&String>) -> TokenStream {
    match value {
        Some(value) => quote! { ::std::option::Option::Some(#value) },
        None => quote! { ::std::option::Option::None },
    }
}

fn strategy_tokens(rt: &syn::Path, pagination: &Pagination) -> TokenStream {
    match &pagination.strategy {
        Strategy::LinkHeader => quote! { #rt::Pagination::LinkHeader },
        Strategy::Cursor { param, next } => quote! { #rt::Pagination::Cursor { param: #param, next: #next } },
        Strategy::LastItem { param, field, has_more } => {
            let has_more = option_str(has_more.as_ref());
            quote! { #rt::Pagination::LastItem { param: #param, field: #field, has_more: #has_more } }
        }
        Strategy::NextUrl { url } => quote! { #rt::Pagination::NextUrl { url: #url } },
        Strategy::Offset { offset, limit } => {
            let limit = option_str(limit.as_ref());
            quote! { #rt::Pagination::Offset { offset: #offset, limit: #limit } }
        }
        Strategy::PageNumber { page, per_page, first } => {
            let per_page = option_str(per_page.as_ref());
            quote! { #rt::Pagination::PageNumber { page: #page, per_page: #per_page, first: #first } }
        }
    }
}
