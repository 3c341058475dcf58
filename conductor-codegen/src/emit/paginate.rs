//! Tokens for a paginated operation: `impl Paginated` and the builder's `paginate()`.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::type_tokens;
use crate::docs::doc_attrs;
use crate::model::{items_path, ItemsPath};
use crate::names::ident;
use crate::operations::Operation;
use crate::pagination::{Pagination, Strategy};
use crate::typespace::{TypeRef, TypeSpace};

/// An expression taking the items at `path` out of `page` as a `Vec`.
fn items_access(path: &ItemsPath) -> TokenStream {
    let Some(fields) = &path.fields else {
        return if path.page_optional {
            quote! { page.unwrap_or_default() }
        } else {
            quote! { page }
        };
    };
    // An `Option` of the value reached so far, narrowed one field at a time.
    let mut expr = if path.page_optional {
        quote! { page }
    } else {
        quote! { ::std::option::Option::Some(page) }
    };
    for (name, optional) in fields {
        let name = ident(name);
        expr = if *optional {
            quote! { #expr.and_then(|value| value.#name) }
        } else {
            quote! { #expr.map(|value| value.#name) }
        };
    }
    quote! { #expr.unwrap_or_default() }
}

/// `impl Paginated` and `paginate()` for an operation whose pagination was decided.
pub(crate) fn paginated_impl(
    space: &TypeSpace<'_>,
    rt: &syn::Path,
    op: &Operation,
    output: &TypeRef,
) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let path = items_path(space, output, &pagination.items)?;
    let take_items = items_access(&path);
    let item = path.item;
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
