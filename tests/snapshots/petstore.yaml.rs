/// The API as the spec describes it: servers, security schemes and requirements.
pub static API: ::connector_runtime::ApiSpec = ::connector_runtime::ApiSpec {
    title: "Petstore",
    version: "1.0.0",
    default_server: ::std::option::Option::Some("http://petstore.example.com/v1"),
    security: &[&["api_key"]],
    schemes: &[
        ::connector_runtime::SecuritySchemeSpec {
            name: "api_key",
            kind: ::connector_runtime::SchemeKind::ApiKey {
                location: ::connector_runtime::ApiKeyLocation::Header,
                name: "X-API-Key",
            },
        },
        ::connector_runtime::SecuritySchemeSpec {
            name: "petstore_auth",
            kind: ::connector_runtime::SchemeKind::OAuth2 {
                token_url: ::std::option::Option::Some(
                    "http://petstore.example.com/oauth/token",
                ),
                authorization_url: ::std::option::Option::None,
            },
        },
    ],
    envelope: ::std::option::Option::None,
    operation_count: 5usize,
};
/// A client for Petstore 1.0.0.
///
/// A small pet store API.
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
    /// List pets
    ///
    /// Returns the pets in the store, optionally filtered by status and tags.
    ///
    /// `GET /pets` (`listPets`)
    pub fn list_pets(&self) -> builders::ListPets {
        builders::ListPets {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            limit: ::std::option::Option::None,
            status: ::std::option::Option::None,
            tags: ::std::option::Option::None,
        }
    }
    /// Add a pet
    ///
    /// `POST /pets` (`createPet`)
    pub fn create_pet(
        &self,
        body: impl ::std::convert::Into<types::NewPet>,
    ) -> builders::CreatePet {
        builders::CreatePet {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            x_request_id: ::std::option::Option::None,
            body: body.into(),
        }
    }
    /// Find a pet by id
    ///
    /// `GET /pets/{petId}` (`getPetById`)
    ///
    /// # Arguments
    ///
    /// - `pet_id`: The pet's id.
    pub fn get_pet_by_id(
        &self,
        pet_id: impl ::std::convert::Into<i64>,
    ) -> builders::GetPetById {
        builders::GetPetById {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            pet_id: pet_id.into(),
        }
    }
    /// Delete a pet
    ///
    /// `DELETE /pets/{petId}` (`deletePet`)
    ///
    /// # Arguments
    ///
    /// - `pet_id`: The pet's id.
    pub fn delete_pet(
        &self,
        pet_id: impl ::std::convert::Into<i64>,
    ) -> builders::DeletePet {
        builders::DeletePet {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            pet_id: pet_id.into(),
        }
    }
    /// Stock by status
    ///
    /// `GET /store/inventory` (`getInventory`)
    pub fn get_inventory(&self) -> builders::GetInventory {
        builders::GetInventory {
            call: ::connector_runtime::__private::Call::new(&self.inner),
        }
    }
}
/// The models: one type per schema of the spec.
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
pub mod types {
    ::connector_runtime::__private::string_enum! {
        #[doc = " Where the pet is in the sales process."] #[doc = ""] #[doc =
        " Generated from `#/components/schemas/PetStatus`."] pub enum PetStatus { #[doc =
        " `available`"] Available = "available", #[doc = " `pending`"] Pending =
        "pending", #[doc = " `sold`"] Sold = "sold", } other Other;
    }
    ::connector_runtime::__private::object! {
        ser
        /// Generated from `#/components/schemas/NewPet`.
        #[derive(Debug, Clone)]
        pub struct NewPet {
            /// `name`
            pub name: ::std::string::String = "name",
            /// `tag`
            pub tag: ::std::option::Option<::std::string::String> = "tag" optional,
            /// `status`
            pub status: ::std::option::Option<PetStatus> = "status" optional,
        }
    }
    impl NewPet {
        /// A value with the required fields (`name`) set and every other field empty.
        pub fn new(name: impl ::std::convert::Into<::std::string::String>) -> Self {
            Self {
                name: name.into(),
                tag: ::std::option::Option::None,
                status: ::std::option::Option::None,
            }
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// A pet in the store.
        ///
        /// Generated from `#/components/schemas/Pet`.
        #[derive(Debug, Clone)]
        pub struct Pet {
            /// `name`
            pub name: ::std::string::String = "name",
            /// `tag`
            pub tag: ::std::option::Option<::std::string::String> = "tag" optional,
            /// `status`
            pub status: ::std::option::Option<PetStatus> = "status" optional,
            /// `id`
            pub id: i64 = "id",
            /// `born`
            pub born: ::std::option::Option<::connector_runtime::types::DateTime> = "born" optional,
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Error`.
        #[derive(Debug, Clone)]
        pub struct Error {
            /// `code`
            pub code: i32 = "code",
            /// `message`
            pub message: ::std::string::String = "message",
        }
    }
}
/// Request builders: one per operation, returned by the `Client` methods. Set optional
/// parameters, then `.await` to send.
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
pub mod builders {
    use super::types;
    /// The request for [`Client::list_pets`](super::Client::list_pets): `GET /pets`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct ListPets {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) limit: ::std::option::Option<i32>,
        pub(super) status: ::std::option::Option<types::PetStatus>,
        pub(super) tags: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
    }
    impl ListPets {
        /// How many pets to return at most.
        pub fn limit(mut self, value: impl ::std::convert::Into<i32>) -> Self {
            self.limit = ::std::option::Option::Some(value.into());
            self
        }
        /// Sets the `status` parameter.
        pub fn status(
            mut self,
            value: impl ::std::convert::Into<types::PetStatus>,
        ) -> Self {
            self.status = ::std::option::Option::Some(value.into());
            self
        }
        /// Sets the `tags` parameter.
        pub fn tags(
            mut self,
            value: impl ::std::convert::Into<::std::vec::Vec<::std::string::String>>,
        ) -> Self {
            self.tags = ::std::option::Option::Some(value.into());
            self
        }
    }
    impl ::connector_runtime::Operation for ListPets {
        type Output = ::std::vec::Vec<types::Pet>;
        type ErrorBody = types::Error;
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "listPets",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/pets",
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
            parts
                .query_param(
                    "limit",
                    ::connector_runtime::ParamStyle::Form,
                    true,
                    &self.limit,
                )?;
            parts
                .query_param(
                    "status",
                    ::connector_runtime::ParamStyle::Form,
                    true,
                    &self.status,
                )?;
            parts
                .query_param(
                    "tags",
                    ::connector_runtime::ParamStyle::Form,
                    false,
                    &self.tags,
                )?;
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
            match response.status_code() {
                _ => {
                    ::std::option::Option::Some(
                        ::connector_runtime::__private::decode_json(response),
                    )
                }
            }
        }
    }
    impl ::std::future::IntoFuture for ListPets {
        type Output = ::std::result::Result<
            ::std::vec::Vec<types::Pet>,
            ::connector_runtime::Error<types::Error>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::create_pet`](super::Client::create_pet): `POST /pets`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct CreatePet {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) x_request_id: ::std::option::Option<::std::string::String>,
        pub(super) body: types::NewPet,
    }
    impl CreatePet {
        /// Sets the `X-Request-Id` parameter.
        pub fn x_request_id(
            mut self,
            value: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.x_request_id = ::std::option::Option::Some(value.into());
            self
        }
    }
    impl ::connector_runtime::Operation for CreatePet {
        type Output = types::Pet;
        type ErrorBody = types::Error;
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "createPet",
            method: ::connector_runtime::HttpMethod::Post,
            path: "/pets",
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
            parts.header_param("X-Request-Id", &self.x_request_id)?;
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
            match response.status_code() {
                422u16 => {
                    ::std::option::Option::Some(
                        ::connector_runtime::__private::decode_json(response),
                    )
                }
                _ => ::std::option::Option::None,
            }
        }
    }
    impl ::std::future::IntoFuture for CreatePet {
        type Output = ::std::result::Result<
            types::Pet,
            ::connector_runtime::Error<types::Error>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::get_pet_by_id`](super::Client::get_pet_by_id): `GET /pets/{petId}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct GetPetById {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) pet_id: i64,
    }
    impl ::connector_runtime::Operation for GetPetById {
        type Output = types::Pet;
        type ErrorBody = types::Error;
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "getPetById",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/pets/{petId}",
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
            parts.start_path();
            parts.path_literal("/pets/");
            parts.path_i64(::std::convert::From::from(self.pet_id));
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
            match response.status_code() {
                404u16 => {
                    ::std::option::Option::Some(
                        ::connector_runtime::__private::decode_json(response),
                    )
                }
                _ => ::std::option::Option::None,
            }
        }
    }
    impl ::std::future::IntoFuture for GetPetById {
        type Output = ::std::result::Result<
            types::Pet,
            ::connector_runtime::Error<types::Error>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::delete_pet`](super::Client::delete_pet): `DELETE /pets/{petId}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct DeletePet {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) pet_id: i64,
    }
    impl ::connector_runtime::Operation for DeletePet {
        type Output = ();
        type ErrorBody = types::Error;
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "deletePet",
            method: ::connector_runtime::HttpMethod::Delete,
            path: "/pets/{petId}",
            security: ::std::option::Option::Some(&[&["petstore_auth"]]),
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
            parts.start_path();
            parts.path_literal("/pets/");
            parts.path_i64(::std::convert::From::from(self.pet_id));
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
            match response.status_code() {
                404u16 => {
                    ::std::option::Option::Some(
                        ::connector_runtime::__private::decode_json(response),
                    )
                }
                _ => ::std::option::Option::None,
            }
        }
    }
    impl ::std::future::IntoFuture for DeletePet {
        type Output = ::std::result::Result<
            (),
            ::connector_runtime::Error<types::Error>,
        >;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::get_inventory`](super::Client::get_inventory): `GET /store/inventory`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct GetInventory {
        pub(super) call: ::connector_runtime::__private::Call,
    }
    impl ::connector_runtime::Operation for GetInventory {
        type Output = ::std::collections::BTreeMap<::std::string::String, i32>;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "getInventory",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/store/inventory",
            security: ::std::option::Option::Some(&[]),
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
    impl ::std::future::IntoFuture for GetInventory {
        type Output = ::std::result::Result<
            ::std::collections::BTreeMap<::std::string::String, i32>,
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
    ::connector_runtime::mock::MockServer::from_spec("$WORKSPACE/specs/petstore.yaml").
    await } #[doc = r" One typed stub per operation."] pub struct Stubs < 'a > { server :
    & 'a::connector_runtime::mock::MockServer, } impl < 'a > Stubs < 'a > { #[doc =
    r" Stubs on `server`."] pub fn new(server : &
    'a::connector_runtime::mock::MockServer) -> Self { Self { server } } #[doc =
    " Scripts `listPets` (`GET /pets`)."] pub fn list_pets(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::ListPets > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } #[doc =
    " Scripts `createPet` (`POST /pets`)."] pub fn create_pet(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::CreatePet > {
    ::connector_runtime::mock::OperationStub::new(self.server, 201u16) } #[doc =
    " Scripts `getPetById` (`GET /pets/{petId}`)."] pub fn get_pet_by_id(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::GetPetById > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } #[doc =
    " Scripts `deletePet` (`DELETE /pets/{petId}`)."] pub fn delete_pet(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::DeletePet > {
    ::connector_runtime::mock::OperationStub::new(self.server, 204u16) } #[doc =
    " Scripts `getInventory` (`GET /store/inventory`)."] pub fn get_inventory(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::GetInventory > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } } }
}
