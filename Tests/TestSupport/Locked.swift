import Synchronization

/// A value that concurrent tasks of a test share (a flag one sets and another
/// polls, a counter, a list of processes): read, set or changed under a lock.
public final class Locked<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    public init(_ value: Value) { state = Mutex(value) }

    public var value: Value { state.withLock { $0 } }

    public func set(_ value: Value) { state.withLock { $0 = value } }

    public func update(_ change: (inout Value) -> Void) { state.withLock { change(&$0) } }
}
