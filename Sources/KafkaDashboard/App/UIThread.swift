import CNcursesw

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The screen loop's own thread, made with pthreads: Foundation's `Thread` would be the only thing
/// tying kfast to full Foundation (and its ICU data and 1,600 conformance records, which every
/// start of kfast scans through).
enum UIThread {
    /// The thread could not be made (the system is out of threads or memory).
    struct StartFailure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "cannot start the dashboard's screen thread: \(String(cString: strerror(code)))" }
    }

    /// Runs `body` on a new detached thread with `stackSize` bytes of stack; nil once it started.
    static func start(name: String, stackSize: Int, _ body: @escaping @Sendable () -> Void) -> StartFailure? {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let box = Unmanaged.passRetained(Body(name: name, run: body))
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let code = pthread_create(&thread, &attributes, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            kf_name_this_thread(body.name)
            body.run()
            return nil
        }, box.toOpaque())
        guard code == 0 else {
            box.release()
            return StartFailure(code: code)
        }
        return nil
    }

    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }
}
