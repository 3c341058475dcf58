/// The API as the spec describes it: servers, security schemes and requirements.
pub static API: ::connector_runtime::ApiSpec = ::connector_runtime::ApiSpec {
    title: "Tasks",
    version: "1.0",
    default_server: ::std::option::Option::Some("https://tasks.example.com/api"),
    security: &[&["token"]],
    schemes: &[
        ::connector_runtime::SecuritySchemeSpec {
            name: "token",
            kind: ::connector_runtime::SchemeKind::ApiKey {
                location: ::connector_runtime::ApiKeyLocation::Query,
                name: "token",
            },
        },
    ],
    envelope: ::std::option::Option::None,
    operation_count: 2usize,
};
/// A client for Tasks 1.0.
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
    /// `GET /tasks/{id}` (`getTask`)
    ///
    /// # Arguments
    ///
    /// - `id`:
    pub fn get_task(&self, id: impl ::std::convert::Into<i64>) -> builders::GetTask {
        builders::GetTask {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            id: id.into(),
        }
    }
    /// `GET /tasks` (`listTasks`)
    pub fn list_tasks(&self) -> builders::ListTasks {
        builders::ListTasks {
            call: ::connector_runtime::__private::Call::new(&self.inner),
            state: ::std::option::Option::None,
        }
    }
}
/// The models: one type per schema of the spec.
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
pub mod types {
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/Task`.
        #[derive(Debug, Clone)]
        pub struct Task {
            /// `id`
            pub id: i64 = "id",
            /// `title`
            pub title: ::std::string::String = "title",
            /// `kind`
            pub kind: TaskKind = "kind",
            /// `note`
            pub note: ::std::option::Option<::std::string::String> = "note" optional,
            /// `due`
            pub due: ::std::option::Option<::connector_runtime::types::Date> = "due" optional,
            /// `owner`
            pub owner: ::std::option::Option<User> = "owner" optional,
            /// `score`
            pub score: ::std::option::Option<TaskScore> = "score" optional,
        }
    }
    ::connector_runtime::__private::object! {
        de
        /// Generated from `#/components/schemas/User`.
        #[derive(Debug, Clone)]
        pub struct User {
            /// `name`
            pub name: ::std::option::Option<::std::string::String> = "name" optional,
        }
    }
    ::connector_runtime::__private::string_enum! {
        #[doc = " Generated from `#/components/schemas/Task/properties/kind`."] pub enum
        TaskKind { #[doc = " `task`"] Task = "task", } other Other;
    }
    ::connector_runtime::__private::untagged_enum! {
        de #[doc = " Generated from `#/components/schemas/Task/properties/score`."] pub
        enum TaskScore { #[doc = " One of the alternatives."] Integer(i64), #[doc =
        " One of the alternatives."] String(::std::string::String), }
    }
    ::connector_runtime::__private::string_enum! {
        #[doc = " Generated from `#/paths/~1tasks/get/parameters/0/schema`."] pub enum
        ListTasksState { #[doc = " `open`"] Open = "open", #[doc = " `done`"] Done =
        "done", } other Other;
    }
}
/// Request builders: one per operation, returned by the `Client` methods. Set optional
/// parameters, then `.await` to send.
#[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
pub mod builders {
    use super::types;
    /// The request for [`Client::get_task`](super::Client::get_task): `GET /tasks/{id}`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct GetTask {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) id: i64,
    }
    impl ::connector_runtime::Operation for GetTask {
        type Output = types::Task;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "getTask",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/tasks/{id}",
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
            parts.path_literal("/tasks/");
            parts.path_i64(::std::convert::From::from(self.id));
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
    impl ::std::future::IntoFuture for GetTask {
        type Output = ::std::result::Result<types::Task, ::connector_runtime::Error<()>>;
        type IntoFuture = ::connector_runtime::__private::BoxFuture<Self::Output>;
        fn into_future(self) -> Self::IntoFuture {
            ::connector_runtime::__private::execute(self)
        }
    }
    /// The request for [`Client::list_tasks`](super::Client::list_tasks): `GET /tasks`.
    #[derive(Debug, Clone)]
    #[must_use = "a request does nothing until it is awaited"]
    pub struct ListTasks {
        pub(super) call: ::connector_runtime::__private::Call,
        pub(super) state: ::std::option::Option<types::ListTasksState>,
    }
    impl ListTasks {
        /// Sets the `state` parameter.
        pub fn state(
            mut self,
            value: impl ::std::convert::Into<types::ListTasksState>,
        ) -> Self {
            self.state = ::std::option::Option::Some(value.into());
            self
        }
    }
    impl ::connector_runtime::Operation for ListTasks {
        type Output = ::std::vec::Vec<types::Task>;
        type ErrorBody = ();
        const SPEC: &'static ::connector_runtime::OperationSpec = &::connector_runtime::OperationSpec {
            id: "listTasks",
            method: ::connector_runtime::HttpMethod::Get,
            path: "/tasks",
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
            parts
                .query_param(
                    "state",
                    ::connector_runtime::ParamStyle::Form,
                    true,
                    &self.state,
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
            let _ = response;
            ::std::option::Option::None
        }
    }
    impl ::std::future::IntoFuture for ListTasks {
        type Output = ::std::result::Result<
            ::std::vec::Vec<types::Task>,
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
    ::connector_runtime::mock::MockServer::from_spec("$WORKSPACE/specs/tasks-3.1.yaml").
    await } #[doc = r" One typed stub per operation."] pub struct Stubs < 'a > { server :
    & 'a::connector_runtime::mock::MockServer, } impl < 'a > Stubs < 'a > { #[doc =
    r" Stubs on `server`."] pub fn new(server : &
    'a::connector_runtime::mock::MockServer) -> Self { Self { server } } #[doc =
    " Scripts `getTask` (`GET /tasks/{id}`)."] pub fn get_task(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::GetTask > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } #[doc =
    " Scripts `listTasks` (`GET /tasks`)."] pub fn list_tasks(& self) ->
    ::connector_runtime::mock::OperationStub < 'a, super::builders::ListTasks > {
    ::connector_runtime::mock::OperationStub::new(self.server, 200u16) } } }
}
