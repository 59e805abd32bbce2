import CUV
import Glibc
import Synchronization

/// A libuv loop run by one thread, with a thread-safe way in (`execute`).
///
/// libuv handles are touched only on the loop thread. Other threads hand work over with
/// `execute(_:)`, which queues a closure and wakes the loop through a `uv_async_t`. Not an actor, on
/// purpose: libuv calls back on its own thread and must never meet Swift's executors.
public final class EventLoop: @unchecked Sendable {
    let loop: UnsafeMutablePointer<uv_loop_t>
    private let wakeup: UnsafeMutablePointer<uv_async_t>
    private let pending = Mutex<[@Sendable () -> Void]>([])
    private let loopThread = Mutex<pthread_t?>(nil)
    private var handles: [ObjectIdentifier: AnyObject] = [:]

    public init() throws {
        loop = .allocate(capacity: 1)
        let rc = uv_loop_init(loop)
        guard rc == 0 else {
            loop.deallocate()
            throw IPCError(.libuv, "cannot start the event loop: \(String(cString: uv_strerror(rc)))", cause: rc)
        }
        wakeup = .allocate(capacity: 1)
        uv_async_init(loop, wakeup) { handle in
            guard let data = handle?.pointee.data else { return }
            Unmanaged<EventLoop>.fromOpaque(data).takeUnretainedValue().drain()
        }
        wakeup.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        uv_loop_close(loop)
        loop.deallocate()
    }

    /// True when called on the thread running `run()`.
    public var inLoopThread: Bool {
        guard let t = loopThread.withLock({ $0 }) else { return false }
        return pthread_equal(t, pthread_self()) != 0
    }

    /// Runs `work` on the loop thread soon (at once, in order, if already there and `inline` is set).
    public func execute(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(work) }
        uv_async_send(wakeup)
    }

    /// Runs the closures queued so far. Work queued while they run waits for the next loop turn
    /// (a fresh wake-up), so that I/O callbacks get their turn in between.
    private func drain() {
        let batch = pending.withLock { q -> [@Sendable () -> Void] in
            let b = q
            q.removeAll(keepingCapacity: true)
            return b
        }
        for work in batch { work() }
        if pending.withLock({ !$0.isEmpty }) { uv_async_send(wakeup) }
    }

    private func drainAll() {
        while pending.withLock({ !$0.isEmpty }) { drain() }
    }

    /// Runs the loop on the calling thread until `stop()`; returns when every handle is closed.
    public func run() {
        loopThread.withLock { $0 = pthread_self() }
        uv_run(loop, UV_RUN_DEFAULT)
        drainAll()
        loopThread.withLock { $0 = nil }
    }

    /// Closes the wake-up handle and every timer/signal handle so `run()` returns. Loop thread only.
    public func stop() {
        for case let h as LoopHandle in handles.values { h.close() }
        handles.removeAll()
        if uv_is_closing(UnsafeMutableRawPointer(wakeup).assumingMemoryBound(to: uv_handle_t.self)) == 0 {
            uv_close(UnsafeMutableRawPointer(wakeup).assumingMemoryBound(to: uv_handle_t.self)) { h in
                h?.deallocate()
            }
        }
    }

    func retain(_ h: LoopHandle) { handles[ObjectIdentifier(h)] = h }
    func release(_ h: LoopHandle) { handles[ObjectIdentifier(h)] = nil }

    /// Calls `body` on the loop thread every `intervalMs` milliseconds (first after `intervalMs`).
    @discardableResult
    public func repeating(everyMs intervalMs: UInt64, _ body: @escaping () -> Void) -> LoopHandle {
        let t = TimerHandle(loop: self, body: body)
        t.start(timeoutMs: intervalMs, repeatMs: intervalMs)
        retain(t)
        return t
    }

    /// Calls `body` once on the loop thread after `delayMs` milliseconds.
    @discardableResult
    public func after(ms delayMs: UInt64, _ body: @escaping () -> Void) -> LoopHandle {
        let t = TimerHandle(loop: self, body: body)
        t.oneShot = true
        t.start(timeoutMs: delayMs, repeatMs: 0)
        retain(t)
        return t
    }

    /// Calls `body` on the loop thread whenever `signal` arrives (libuv turns it into a loop event).
    @discardableResult
    public func onSignal(_ signal: Int32, _ body: @escaping () -> Void) -> LoopHandle {
        let s = SignalHandle(loop: self, body: body)
        s.start(signal)
        retain(s)
        return s
    }
}

/// A timer or signal registration; `close()` cancels it.
public class LoopHandle {
    unowned let owner: EventLoop
    init(owner: EventLoop) { self.owner = owner }
    /// Stops and frees the handle. Loop thread only.
    public func close() {}
}

final class TimerHandle: LoopHandle {
    let handle: UnsafeMutablePointer<uv_timer_t> = .allocate(capacity: 1)
    let body: () -> Void
    var oneShot = false
    var closed = false

    init(loop: EventLoop, body: @escaping () -> Void) {
        self.body = body
        super.init(owner: loop)
        uv_timer_init(loop.loop, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    func start(timeoutMs: UInt64, repeatMs: UInt64) {
        uv_timer_start(handle, { h in
            guard let data = h?.pointee.data else { return }
            let me = Unmanaged<TimerHandle>.fromOpaque(data).takeUnretainedValue()
            me.body()
            if me.oneShot { me.close() }
        }, timeoutMs, repeatMs)
    }

    override func close() {
        guard !closed else { return }
        closed = true
        uv_timer_stop(handle)
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { h in h?.deallocate() }
        owner.release(self)
    }
}

final class SignalHandle: LoopHandle {
    let handle: UnsafeMutablePointer<uv_signal_t> = .allocate(capacity: 1)
    let body: () -> Void
    var closed = false

    init(loop: EventLoop, body: @escaping () -> Void) {
        self.body = body
        super.init(owner: loop)
        uv_signal_init(loop.loop, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    func start(_ signal: Int32) {
        uv_signal_start(handle, { h, _ in
            guard let data = h?.pointee.data else { return }
            Unmanaged<SignalHandle>.fromOpaque(data).takeUnretainedValue().body()
        }, signal)
    }

    override func close() {
        guard !closed else { return }
        closed = true
        uv_signal_stop(handle)
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { h in h?.deallocate() }
        owner.release(self)
    }
}
