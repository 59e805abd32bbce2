/// A group of RPC methods over the services it is given (and nothing else): one file per group
/// under `Handlers/`, registered by ``Daemon`` from the one list in `Daemon+Handlers.swift`.
///
/// A group's stored properties are its dependencies; it reads no global state and sets none, so
/// groups can be registered in any order. A method name is registered once (``MethodTable``
/// traps on a second registration).
protocol HandlerGroup {
    func register(in table: MethodTable)
}
