/// The API as the spec describes it: servers, security schemes and requirements.
pub static API: ::connector_runtime::ApiSpec = ::connector_runtime::ApiSpec {
    title: "Kitchen Sink",
    version: "2",
    default_server: ::std::option::Option::Some("https://sink.example.com"),
    security: &[&["bearer"], &["basic"]],
    schemes: &[
        ::connector_runtime::SecuritySchemeSpec {
            name: "bearer",
            kind: ::connector_runtime::SchemeKind::Bearer,
        },
        ::connector_runtime::SecuritySchemeSpec {
            name: "basic",
            kind: ::connector_runtime::SchemeKind::Basic,
        },
    ],
    envelope: ::std::option::Option::None,
    operation_count: 7usize,
};
/// A client for Kitchen Sink 2.
///
/// Exercises names, enums, unions, allOf, maps, recursion, formats and parameter styles.
///
/// ```text
/// let this = "never a doctest";
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: ::connector_runtime::Client,
}
impl ::std::convert::From<::connector_runtime::Client> for Client {
    fn from(inner: ::connector_runtime::Client) -> Self {
        Self { inner }
    }
}
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
impl Client {
    /// A client for `base_url` with default settings.
    ///
    /// # Errors
    ///
    /// When `base_url` is not an absolute URL.
    pub fn new(
        base_url: &str,
    ) -> ::std::result::Result<Self, ::connector_runtime::BuildError> {
        Self::builder().base_url(base_url).build()
    }
    /// A builder for a client: base URL (default: the spec's first server), credentials,
    /// retry policy, timeouts, headers.
    pub fn builder() -> ::connector_runtime::ClientBuilder<Self> {
        ::connector_runtime::ClientBuilder::new(&API)
    }
    /// The runtime client underneath.
    pub fn runtime(&self) -> &::connector_runtime::Client {
        &self.inner
    }
    /// Get a thing
    ///
    /// `GET /things/{thing-id}` (`get-thing`)
    ///
    /// # Arguments
    ///
    /// - `thing_id`:
    pub fn get_thing(
        &self,
        thing_id: impl ::std::convert::Into<::std::string::String>,
    ) -> builders::GetThing {
        builders::GetThing {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            thing_id: thing_id.into(),
            verbose: ::std::option::Option::None,
            filter: ::std::option::Option::None,
            x_trace: ::std::option::Option::None,
            session: ::std::option::Option::None,
            page_size: ::std::option::Option::None,
        }
    }
    /// Replace a thing (no operationId)
    ///
    /// `PUT /things/{thing-id}` (`put_things_thing-id`)
    ///
    /// # Arguments
    ///
    /// - `thing_id`:
    #[deprecated]
    pub fn put_things_thing_id(
        &self,
        thing_id: impl ::std::convert::Into<::std::string::String>,
        body: impl ::std::convert::Into<types::PutThingsThingIdBody>,
    ) -> builders::PutThingsThingId {
        builders::PutThingsThingId {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            thing_id: thing_id.into(),
            verbose: ::std::option::Option::None,
            body: body.into(),
        }
    }
    /// `POST /things` (`createThing`)
    pub fn create_thing(
        &self,
        body: impl ::std::convert::Into<types::Thing>,
    ) -> builders::CreateThing {
        builders::CreateThing {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            body: body.into(),
        }
    }
    /// A body with no required field and fields with defaults starts from `Default`.
    ///
    /// `PUT /pending` (`replacePending`)
    pub fn replace_pending(
        &self,
        body: impl ::std::convert::Into<types::Pending>,
    ) -> builders::ReplacePending {
        builders::ReplacePending {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            body: body.into(),
        }
    }
    /// `POST /upload` (`upload`)
    pub fn upload(&self) -> builders::Upload {
        builders::Upload {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            body: ::std::option::Option::None,
        }
    }
    /// `GET /shapes` (`listShapes`)
    pub fn list_shapes(&self) -> builders::ListShapes {
        builders::ListShapes {
            call: ::connector_runtime::__private::Call::new(&self.inner),
        }
    }
    /// Every remaining schema, so each is reachable
    ///
    /// `GET /misc` (`getMisc`)
    pub fn get_misc(&self) -> builders::GetMisc {
        builders::GetMisc {
            call: ::connector_runtime::__private::Call::new(&self.inner),
        }
    }
}
/// The models: one type per schema of the spec.
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
pub mod types {
    ::connector_runtime::__private::object! {
        ser de
        /// A thing with every kind of field.
        ///
        /// Generated from `#/components/schemas/Thing`.
        #[derive(Debug, Clone)]
        pub struct Thing {
            /// `id`
            pub id: ::std::option::Option<::connector_runtime::types::Uuid> = "id" optional,
            /// A keyword as a field name.
            pub r#type: ::std::string::String = "type",
            /// `self`
            pub self_: ::std::option::Option<::std::string::String> = "self" optional,
            /// `match`
            pub r#match: ::std::option::Option<i64> = "match" optional,
            /// `1st-place`
            pub _1st_place: ::std::option::Option<bool> = "1st-place" optional,
            /// `kind`
            pub kind: Kind = "kind",
            /// `vote`
            pub vote: ::std::option::Option<Vote> = "vote" optional,
            /// `priority`
            pub priority: ::std::option::Option<Priority> = "priority" optional,
            /// `price`
            pub price: Money = "price",
            /// `tags`
            pub tags: ::std::option::Option<::std::vec::Vec<::std::string::String>> = "tags" optional,
            /// `labels`
            pub labels: ::std::option::Option<
                ::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            > = "labels" optional,
            /// `attributes`
            pub attributes: ::std::option::Option<::connector_runtime::types::Value> = "attributes" optional,
            /// `created`
            pub created: ::std::option::Option<::connector_runtime::types::DateTime> = "created" optional,
            /// `day`
            pub day: ::std::option::Option<::connector_runtime::types::Date> = "day" optional,
            /// `blob`
            pub blob: ::std::option::Option<::connector_runtime::types::Base64> = "blob" optional,
            /// `ratio`
            pub ratio: ::std::option::Option<f32> = "ratio" optional,
            /// `weight`
            pub weight: ::std::option::Option<f64> = "weight" optional,
            /// `count32`
            pub count32: ::std::option::Option<i32> = "count32" optional,
            /// `parent`
            pub parent: ::std::option::Option<::std::boxed::Box<Thing>> = "parent" optional,
            /// `children`
            pub children: ::std::option::Option<::std::vec::Vec<Thing>> = "children" optional,
            /// `secret`
            pub secret: ::std::option::Option<::std::string::String> = "secret" optional,
            /// `old`
            #[deprecated]
            pub old: ::std::option::Option<::std::string::String> = "old" optional,
            /// `nested`
            pub nested: ::std::option::Option<ThingNested> = "nested" optional,
            /// The same inline enum as `nested.inner`, so one type serves both.
            pub mood: ::std::option::Option<ThingMood> = "mood" optional,
        }
    }
    impl Thing {
        /// A value with the required fields (`type`, `kind`, `price`) set and every other field empty.
        pub fn new(
            r#type: impl ::std::convert::Into<::std::string::String>,
            kind: impl ::std::convert::Into<Kind>,
            price: impl ::std::convert::Into<Money>,
        ) -> Self {
            Self {
                id: ::std::option::Option::None,
                r#type: r#type.into(),
                self_: ::std::option::Option::None,
                r#match: ::std::option::Option::None,
                _1st_place: ::std::option::Option::None,
                kind: kind.into(),
                vote: ::std::option::Option::None,
                priority: ::std::option::Option::None,
                price: price.into(),
                tags: ::std::option::Option::None,
                labels: ::std::option::Option::None,
                attributes: ::std::option::Option::None,
                created: ::std::option::Option::None,
                day: ::std::option::Option::None,
                blob: ::std::option::Option::None,
                ratio: ::std::option::Option::None,
                weight: ::std::option::Option::None,
                count32: ::std::option::Option::None,
                parent: ::std::option::Option::None,
                children: ::std::option::Option::None,
                secret: ::std::option::Option::None,
                old: ::std::option::Option::None,
                nested: ::std::option::Option::None,
                mood: ::std::option::Option::None,
            }
        }
    }
    ::connector_runtime::__private::string_enum! {
        #[doc = " Generated from `#/components/schemas/Kind`."] pub enum Kind { #[doc =
        " `simple`"] Simple = "simple", #[doc = " `complex`"] Complex = "complex", #[doc
        = " `with space`"] WithSpace = "with space", #[doc = " `+1`"] Plus1 = "+1", #[doc
        = " `-1`"] Minus1 = "-1", #[doc = " `other`"] Other = "other", } other Other2;
    }
    ::connector_runtime::__private::int_enum! {
        #[doc = " Generated from `#/components/schemas/Vote`."] pub enum Vote { #[doc =
        " `-1`"] Minus1 = - 1, #[doc = " `0`"] V0 = 0, #[doc = " `1`"] V1 = 1, } other
        Other;
    }
    ::connector_runtime::__private::string_enum! {
        #[doc = " Generated from `#/components/schemas/Priority`."] pub enum Priority {
        #[doc = " `low`"] Low = "low", #[doc = " `high`"] High = "high", } other Other;
    }
    ::connector_runtime::__private::object! {
        ser de
        /// Generated from `#/components/schemas/Pending`.
        #[derive(Debug, Clone)]
        pub struct Pending {
            /// `eta`
            pub eta: ::std::option::Option<i64> = "eta" optional,
            /// Defaults to `true`.
            pub notify: bool = "notify" default = ::connector_runtime::__private::default_bool::<true>,
            /// Defaults to `-5`.
            pub offset: i32 = "offset" default = ::connector_runtime::__private::default_i32::<{-5}>,
            /// Defaults to `30`.
            pub poll_seconds: i64 = "poll_seconds" default = ::connector_runtime::__private::default_i64::<{30}>,
            /// Defaults to `"red"`.
            pub color: ::std::option::Option<::std::string::String> = "color" optional,
        }
    }
    impl ::std::default::Default for Pending {
        fn default() -> Self {
            Self {
                eta: ::std::option::Option::None,
                notify: true,
                offset: -5i32,
                poll_seconds: 30i64,
                color: ::std::option::Option::None,
            }
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Problem`.
        #[derive(Debug, Clone)]
        pub struct Problem {
            /// `title`
            pub title: ::std::option::Option<::std::string::String> = "title" optional,
            /// `detail`
            pub detail: ::std::option::Option<::std::string::String> = "detail" optional,
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Error`.
        #[derive(Debug, Clone)]
        pub struct Error {
            /// `message`
            pub message: ::std::string::String = "message",
        }
    }
    ::connector_runtime::__private::tagged_enum! {
        de #[doc = " Generated from `#/components/schemas/Shape`."] pub enum Shape tag
        "shape" { #[doc = " `shape` is `circle`."] Circle(Circle) = ["circle"], #[doc =
        " `shape` is `square`."] Square(Square) = ["square"], } other Other;
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Circle`.
        #[derive(Debug, Clone)]
        pub struct Circle {
            /// `shape`
            pub shape: ::std::string::String = "shape",
            /// `radius`
            pub radius: f64 = "radius",
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Square`.
        #[derive(Debug, Clone)]
        pub struct Square {
            /// `shape`
            pub shape: ::std::string::String = "shape",
            /// `side`
            pub side: f64 = "side",
        }
    }
    ::connector_runtime::__private::untagged_enum! {
        de #[doc = " Generated from `#/components/schemas/IdOrName`."] pub enum IdOrName
        { #[doc = " One of the alternatives."] Integer(i64), #[doc =
        " One of the alternatives."] String(::std::string::String), }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Extensible`.
        #[derive(Debug, Clone)]
        pub struct Extensible {
            /// `known`
            pub known: ::std::option::Option<::std::string::String> = "known" optional,
        }
        flatten
        /// Properties the schema does not name.
        pub additional_properties: ::std::collections::BTreeMap<::std::string::String, i64>;
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Node`.
        #[derive(Debug, Clone)]
        pub struct Node {
            /// `value`
            pub value: ::std::option::Option<::std::string::String> = "value" optional,
            /// `next`
            pub next: ::std::option::Option<::std::boxed::Box<Node>> = "next" optional,
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Result`.
        #[derive(Debug, Clone)]
        pub struct Result {
            /// `ok`
            pub ok: ::std::option::Option<bool> = "ok" optional,
        }
    }
    /// Generated from `#/components/schemas/Option`.
    pub type Option = ::std::string::String;
    /// Generated from `#/components/schemas/String`.
    pub type String = i64;
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Box`.
        #[derive(Debug, Clone)]
        pub struct Box {
            /// `size`
            pub size: ::std::option::Option<i64> = "size" optional,
        }
    }
    /// Generated from `#/components/schemas/Vec`.
    pub type Vec = ::std::vec::Vec<::std::string::String>;
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Client`.
        #[derive(Debug, Clone)]
        pub struct Client {
            /// `name`
            pub name: ::std::option::Option<::std::string::String> = "name" optional,
        }
    }
    /// Generated from `#/components/schemas/pet-name`.
    pub type PetName = ::std::string::String;
    /// Generated from `#/components/schemas/pet_name`.
    pub type PetName2 = ::std::string::String;
    ::connector_runtime::__private::object! {
        de
        /// Refers to a nullable schema defined after it.
        ///
        /// Generated from `#/components/schemas/Early`.
        #[derive(Debug, Clone)]
        pub struct Early {
            /// `late`
            pub late: ::std::option::Option<LateNullable> = "late",
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/LateNullable`.
        #[derive(Debug, Clone)]
        pub struct LateNullable {
            /// `x`
            pub x: ::std::option::Option<::std::string::String> = "x" optional,
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/OldThing`.
        #[deprecated]
        #[derive(Debug, Clone)]
        pub struct OldThing {
            /// `x`
            pub x: ::std::option::Option<::std::string::String> = "x" optional,
        }
    }
    ::connector_runtime::__private::string_enum! {
        #[doc = " Generated from `#/components/schemas/Currency`."] pub enum Currency {
        #[doc = " `usd`"] Usd = "usd", #[doc = " `eur`"] Eur = "eur", } other Other;
    }
    ::connector_runtime::__private::object! {
        ser de
        /// Generated from `#/components/schemas/Money`.
        #[derive(Debug, Clone)]
        pub struct Money {
            /// `amount`
            pub amount: i64 = "amount",
            /// `currency`
            pub currency: Currency = "currency",
        }
    }
    impl Money {
        /// A value with the required fields (`amount`, `currency`) set and every other field empty.
        pub fn new(
            amount: impl ::std::convert::Into<i64>,
            currency: impl ::std::convert::Into<Currency>,
        ) -> Self {
            Self {
                amount: amount.into(),
                currency: currency.into(),
            }
        }
    }
    ::connector_runtime::__private::object! {
        ser de
        /// Generated from `#/components/schemas/Thing/properties/nested`.
        #[derive(Debug, Clone, Default)]
        pub struct ThingNested {
            /// `inner`
            pub inner: ::std::option::Option<ThingNestedInner> = "inner" optional,
        }
    }
    ::connector_runtime::__private::string_enum! {
        #[doc =
        " Generated from `#/components/schemas/Thing/properties/nested/properties/inner`."]
        pub enum ThingNestedInner { #[doc = " `a`"] A = "a", #[doc = " `b`"] B = "b", }
        other Other;
    }
    /// The same inline enum as `nested.inner`, so one type serves both.
    ///
    /// Generated from `#/components/schemas/Thing/properties/mood`.
    pub type ThingMood = ThingNestedInner;
    ::connector_runtime::__private::object! {
        ser
        /// Generated from `#/paths/~1things~1{thing-id}/get/parameters/1/schema`.
        #[derive(Debug, Clone, Default)]
        pub struct GetThingFilter {
            /// `kind`
            pub kind: ::std::option::Option<::std::string::String> = "kind" optional,
            /// `min`
            pub min: ::std::option::Option<i64> = "min" optional,
        }
    }
    ::connector_runtime::__private::object! {
        ser
        /// Generated from `#/paths/~1things~1{thing-id}/put/requestBody/content/application~1x-www-form-urlencoded/schema`.
        #[derive(Debug, Clone, Default)]
        pub struct PutThingsThingIdBody {
            /// `metadata`
            pub metadata: ::std::option::Option<
                ::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            > = "metadata" optional,
            /// `expand`
            pub expand: ::std::option::Option<::std::vec::Vec<::std::string::String>> = "expand" optional,
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/paths/~1misc/get/responses/200/content/application~1json/schema`.
        #[derive(Debug, Clone)]
        pub struct GetMiscResponse {
            /// `id_or_name`
            pub id_or_name: ::std::option::Option<IdOrName> = "id_or_name" optional,
            /// `extensible`
            pub extensible: ::std::option::Option<Extensible> = "extensible" optional,
            /// `node`
            pub node: ::std::option::Option<Node> = "node" optional,
            /// `result`
            pub result: ::std::option::Option<Result> = "result" optional,
            /// `option`
            pub option: ::std::option::Option<Option> = "option" optional,
            /// `string`
            pub string: ::std::option::Option<String> = "string" optional,
            /// `box`
            pub r#box: ::std::option::Option<Box> = "box" optional,
            /// `vec`
            pub vec: ::std::option::Option<Vec> = "vec" optional,
            /// `client`
            pub client: ::std::option::Option<Client> = "client" optional,
            /// `pet_name_1`
            pub pet_name_1: ::std::option::Option<PetName> = "pet_name_1" optional,
            /// `pet_name_2`
            pub pet_name_2: ::std::option::Option<PetName2> = "pet_name_2" optional,
            /// `old`
            pub old: ::std::option::Option<OldThing> = "old" optional,
            /// `early`
            pub early: ::std::option::Option<Early> = "early" optional,
        }
    }
    /// The success responses of `get-thing`, by status.
    ///
    /// Generated from `get-thing responses`.
    #[derive(Debug, Clone)]
    pub enum GetThingResponses {
        /// The response with status 200.
        Status200(Thing),
        /// The response with status 202.
        Status202(Pending),
    }
    /// The documented error responses of `get-thing`, by status.
    ///
    /// Generated from `get-thing errors`.
    #[derive(Debug, Clone)]
    pub enum GetThingErrors {
        /// The response with status 404.
        Status404(Problem),
        /// The response with status 5XX.
        Status5XX(Error),
    }
}
/// Request builders: one per operation, returned by the `Client` methods. Set optional
/// parameters, then `.await` to send.
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
pub mod builders {
    use super::types;
    /// The request for [`Client::get_thing`](super::Client::get_thing): `GET /things/{thing-id}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct GetThing {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) thing_id: ::std::string::String,
        pub(super) verbose: ::std::option::Option<bool>,
        pub(super) filter: ::std::option::Option<types::GetThingFilter>,
        pub(super) x_trace: ::std::option::Option<::std::string::String>,
        pub(super) session: ::std::option::Option<::std::string::String>,
        pub(super) page_size: ::std::option::Option<i32>,
    }
    impl GetThing {
        /// Overrides the path-level parameter.
        pub fn verbose(mut self, value: impl ::std::convert::Into<bool>) -> Self {
            self.verbose = ::std::option::Option::Some(value.into());
            self
        }
        /// Sets the `filter` parameter.
        pub fn filter(
            mut self,
            value: impl ::std::convert::Into<types::GetThingFilter>,
        ) -> Self {
            self.filter = ::std::option::Option::Some(value.into());
            self
        }
        /// Sets the `X-Trace` parameter.
        pub fn x_trace(
            mut self,
            value: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.x_trace = ::std::option::Option::Some(value.into());
            self
        }
        /// Sets the `session` parameter.
        pub fn session(
            mut self,
            value: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.session = ::std::option::Option::Some(value.into());
            self
        }
        /// Sets the `page_size` parameter.
        pub fn page_size(mut self, value: impl ::std::convert::Into<i32>) -> Self {
            self.page_size = ::std::option::Option::Some(value.into());
            self
        }
    }
    impl ::connector_runtime::Operation for GetThing {
        type Output = types::GetThingResponses;
        type ErrorBody = types::GetThingErrors;
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "get-thing",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/things/{thing-id}",
            security: ::std::option::Option::None,
            api: &super::API,
            index: 0usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            parts.start_path();
            parts.path_literal("/things/");
            parts.path_text("thing-id", &self.thing_id)?;
            parts
                .query_param(
                    "verbose",
                    ::connector_runtime::ParamStyle::Form,
                    true,
                    &self.verbose,
                )?;
            parts
                .query_param(
                    "filter",
                    ::connector_runtime::ParamStyle::DeepObject,
                    true,
                    &self.filter,
                )?;
            parts.header_param("X-Trace", &self.x_trace)?;
            parts.cookie_param("session", &self.session)?;
            parts
                .query_param(
                    "page_size",
                    ::connector_runtime::ParamStyle::Form,
                    true,
                    &self.page_size,
                )?;
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            match response.status_code() {
                200u16 => {
                    ::connector_runtime::__private::decode_json(response)
                        .map(types::GetThingResponses::Status200)
                }
                202u16 => {
                    ::connector_runtime::__private::decode_json(response)
                        .map(types::GetThingResponses::Status202)
                }
                _ => {
                    ::connector_runtime::__private::decode_json(response)
                        .map(types::GetThingResponses::Status200)
                }
            }
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            match response.status_code() {
                404u16 => {
                    ::std::option::Option::Some(
                        ::connector_runtime::__private::decode_json(response)
                            .map(types::GetThingErrors::Status404),
                    )
                }
                500u16..=599u16 => {
                    ::std::option::Option::Some(
                        ::connector_runtime::__private::decode_json(response)
                            .map(types::GetThingErrors::Status5XX),
                    )
                }
                _ => ::std::option::Option::None,
            }
        }
    }
    impl ::std::future::IntoFuture for GetThing {
        type Output = ::std::result::Result<
            types::GetThingResponses,
            ::connector_runtime::Error<types::GetThingErrors>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::put_things_thing_id`](super::Client::put_things_thing_id): `PUT /things/{thing-id}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct PutThingsThingId {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) thing_id: ::std::string::String,
        pub(super) verbose: ::std::option::Option<bool>,
        pub(super) body: types::PutThingsThingIdBody,
    }
    impl PutThingsThingId {
        /// Sets the `verbose` parameter.
        pub fn verbose(mut self, value: impl ::std::convert::Into<bool>) -> Self {
            self.verbose = ::std::option::Option::Some(value.into());
            self
        }
    }
    impl ::connector_runtime::Operation for PutThingsThingId {
        type Output = ();
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "put_things_thing-id",
            method: ::connector_runtime::HttpMethod::Put,
            path: "/things/{thing-id}",
            security: ::std::option::Option::None,
            api: &super::API,
            index: 1usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            parts.start_path();
            parts.path_literal("/things/");
            parts.path_text("thing-id", &self.thing_id)?;
            parts
                .query_param(
                    "verbose",
                    ::connector_runtime::ParamStyle::Form,
                    true,
                    &self.verbose,
                )?;
            match self.call.content_type() {
                ::std::option::Option::None
                | ::std::option::Option::Some("application/x-www-form-urlencoded") => {
                    parts.form_body(&self.body, &[])?;
                }
                ::std::option::Option::Some(other) => {
                    return ::std::result::Result::Err(
                        ::connector_runtime::__private::unoffered_content_type(
                            other,
                            &["application/x-www-form-urlencoded"],
                        ),
                    );
                }
            }
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            ::connector_runtime::__private::decode_empty(response)
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for PutThingsThingId {
        type Output = ::std::result::Result<(), ::connector_runtime::Error<()>>;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::create_thing`](super::Client::create_thing): `POST /things`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct CreateThing {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) body: types::Thing,
    }
    impl ::connector_runtime::Operation for CreateThing {
        type Output = types::Thing;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "createThing",
            method: ::connector_runtime::HttpMethod::Post,
            path: "/things",
            security: ::std::option::Option::None,
            api: &super::API,
            index: 2usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            match self.call.content_type() {
                ::std::option::Option::None
                | ::std::option::Option::Some("application/json") => {
                    parts.json_body("application/json", &self.body)?;
                }
                ::std::option::Option::Some(other) => {
                    return ::std::result::Result::Err(
                        ::connector_runtime::__private::unoffered_content_type(
                            other,
                            &["application/json"],
                        ),
                    );
                }
            }
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            ::connector_runtime::__private::decode_json(response)
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for CreateThing {
        type Output = ::std::result::Result<
            types::Thing,
            ::connector_runtime::Error<()>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::replace_pending`](super::Client::replace_pending): `PUT /pending`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct ReplacePending {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) body: types::Pending,
    }
    impl ::connector_runtime::Operation for ReplacePending {
        type Output = ();
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "replacePending",
            method: ::connector_runtime::HttpMethod::Put,
            path: "/pending",
            security: ::std::option::Option::None,
            api: &super::API,
            index: 3usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            match self.call.content_type() {
                ::std::option::Option::None
                | ::std::option::Option::Some("application/json") => {
                    parts.json_body("application/json", &self.body)?;
                }
                ::std::option::Option::Some(other) => {
                    return ::std::result::Result::Err(
                        ::connector_runtime::__private::unoffered_content_type(
                            other,
                            &["application/json"],
                        ),
                    );
                }
            }
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            ::connector_runtime::__private::decode_empty(response)
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for ReplacePending {
        type Output = ::std::result::Result<(), ::connector_runtime::Error<()>>;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::upload`](super::Client::upload): `POST /upload`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct Upload {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) body: ::std::option::Option<::connector_runtime::types::Bytes>,
    }
    impl Upload {
        /// Sets the request body.
        pub fn body(
            mut self,
            value: impl ::std::convert::Into<::connector_runtime::types::Bytes>,
        ) -> Self {
            self.body = ::std::option::Option::Some(value.into());
            self
        }
    }
    impl ::connector_runtime::Operation for Upload {
        type Output = ::std::string::String;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "upload",
            method: ::connector_runtime::HttpMethod::Post,
            path: "/upload",
            security: ::std::option::Option::None,
            api: &super::API,
            index: 4usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            if let ::std::option::Option::Some(body) = &self.body {
                match self.call.content_type() {
                    ::std::option::Option::None
                    | ::std::option::Option::Some("application/octet-stream") => {
                        parts
                            .bytes_body(
                                "application/octet-stream",
                                ::std::clone::Clone::clone(body),
                            );
                    }
                    ::std::option::Option::Some(other) => {
                        return ::std::result::Result::Err(
                            ::connector_runtime::__private::unoffered_content_type(
                                other,
                                &["application/octet-stream"],
                            ),
                        );
                    }
                }
            }
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            ::connector_runtime::__private::decode_text(response)
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for Upload {
        type Output = ::std::result::Result<
            ::std::string::String,
            ::connector_runtime::Error<()>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::list_shapes`](super::Client::list_shapes): `GET /shapes`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct ListShapes {
        pub(super) call: ::connector_runtime::__private::Call,
    }
    impl ::connector_runtime::Operation for ListShapes {
        type Output = ::std::vec::Vec<types::Shape>;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "listShapes",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/shapes",
            security: ::std::option::Option::Some(&[]),
            api: &super::API,
            index: 5usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            ::connector_runtime::__private::decode_json(response)
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for ListShapes {
        type Output = ::std::result::Result<
            ::std::vec::Vec<types::Shape>,
            ::connector_runtime::Error<()>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::get_misc`](super::Client::get_misc): `GET /misc`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct GetMisc {
        pub(super) call: ::connector_runtime::__private::Call,
    }
    impl ::connector_runtime::Operation for GetMisc {
        type Output = types::GetMiscResponse;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "getMisc",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/misc",
            security: ::std::option::Option::None,
            api: &super::API,
            index: 6usize,
        };
        fn call_mut(&mut self) -> &mut ::connector_runtime::__private::Call {
            &mut self.call
        }
        fn encode(
            &self,
            parts: &mut ::connector_runtime::RequestParts,
        ) -> ::std::result::Result<(), ::connector_runtime::EncodeError> {
            ::std::result::Result::Ok(())
        }
        fn decode_success(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::result::Result<Self::Output, ::connector_runtime::DecodeError> {
            ::connector_runtime::__private::decode_json(response)
        }
        fn decode_error(
            response: &::connector_runtime::__private::RawResponse,
        ) -> ::std::option::Option<
            ::std::result::Result<Self::ErrorBody, ::connector_runtime::DecodeError>,
        > {
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for GetMisc {
        type Output = ::std::result::Result<
            types::GetMiscResponse,
            ::connector_runtime::Error<()>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
}
::connector_runtime::__private::if_mock! {
    #[doc =
    r" Typed stubs for the mock server derived from this connector's spec (the `mock`"]
    #[doc = r" feature of `connector-runtime`, for tests)."] #[allow(clippy::all,
    clippy::pedantic, clippy::nursery)] pub mod mock { #[doc =
    r" Serves this connector's spec on `127.0.0.1` on a free port."] #[doc = r""] #[doc =
    r" # Errors"] #[doc = r""] #[doc =
    r" When the spec cannot be served or no port can be bound."] pub async fn start() ->
    ::std::result::Result < ::connector_runtime::mock::MockServer,
    ::connector_runtime::mock::MockError > {
    ::connector_runtime::mock::MockServer::from_spec("$WORKSPACE/specs/kitchen-sink.yaml")
    . await } #[doc = r" One typed stub per operation."] pub struct Stubs < 'a > { server
    : & 'a::connector_runtime::mock::MockServer, } impl < 'a > Stubs < 'a > { #[doc =
    r" Stubs on `server`."] pub fn new(server : &
    'a::connector_runtime::mock::MockServer) -> Self { Self { server } } #[doc =
    " Scripts `get-thing` (`GET /things/{thing-id}`)."] pub fn get_thing(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::GetThing > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } #[doc =
    " Scripts `put_things_thing-id` (`PUT /things/{thing-id}`)."] pub fn
    put_things_thing_id(& self) -> ::connector_runtime::mock::OperationStub < 'a,
    super::builders::PutThingsThingId > {
    ::connector_runtime::mock::OperationStub::new(self.server, 204u16) } #[doc =
    " Scripts `createThing` (`POST /things`)."] pub fn create_thing(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::CreateThing > {
    ::connector_runtime::mock::OperationStub::new(self.server, 201u16) } #[doc =
    " Scripts `replacePending` (`PUT /pending`)."] pub fn replace_pending(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::ReplacePending > {
    ::connector_runtime::mock::OperationStub::new(self.server, 204u16) } #[doc =
    " Scripts `upload` (`POST /upload`)."] pub fn upload(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::Upload > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } #[doc =
    " Scripts `listShapes` (`GET /shapes`)."] pub fn list_shapes(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::ListShapes > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } #[doc =
    " Scripts `getMisc` (`GET /misc`)."] pub fn get_misc(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::GetMisc > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } } }
}
