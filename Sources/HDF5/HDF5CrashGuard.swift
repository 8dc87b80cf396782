import Support
#if canImport(Glibc)
import Glibc
#endif

/// libhdf5 1.10 trusts a file's internal addresses and lengths: a damaged global heap (where variable-length
/// strings such as a Keras model's layer names live) makes `H5HG_read` read or copy out of bounds, and the
/// process dies of SIGSEGV, or loop for ever (found by HDF5FuzzTests; the bugs are in the library, which
/// cannot be fixed from here). While a libhdf5 call runs, this guard turns such a crash, or a call that has
/// not returned after `callTimeout` seconds, into Pipewright's ordinary failure: one error line naming the
/// file, the partial output files removed, exit status 1. Outside libhdf5 a crash goes to the handler that
/// was there before (Swift's backtracer), unchanged.
enum HDF5CrashGuard {
    /// Seconds one libhdf5 call may run (`PIPEWRIGHT_HDF5_CALL_TIMEOUT`, default 60): Pipewright reads and
    /// writes in chunks, so a healthy call takes well under a second.
    static let callTimeout: Int = {
        let text = getenv("PIPEWRIGHT_HDF5_CALL_TIMEOUT").map { String(cString: $0) } ?? ""
        return Int(text).map { min(max($0, 1), 86_400) } ?? 60
    }()
    nonisolated(unsafe) private static var timeoutMessage: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var timeoutMessageLength = 0
    /// The error line for the file being read, preformatted (a signal handler may not allocate).
    nonisolated(unsafe) private static var message: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var messageLength = 0
    nonisolated(unsafe) private static var messageFile = ""
    /// Nesting depth of libhdf5 calls now running (one thread at a time, under the recursive library lock).
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var previousSEGV = sigaction()
    nonisolated(unsafe) private static var previousBUS = sigaction()

    private static let installed: Void = {
        Interruption.prepareSignalSafeTable()
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { signal, _, _ in
            if HDF5CrashGuard.depth > 0, let message = HDF5CrashGuard.message {
                _ = write(2, message, HDF5CrashGuard.messageLength)
                Interruption.removePartialFilesFromSignalHandler()
                _exit(1)
            }
            // Not a libhdf5 crash: put the previous handler back and hand it the signal (a fault would also reach
            // it when the faulting instruction runs again; a signal sent with kill would not).
            var previous = signal == SIGBUS ? HDF5CrashGuard.previousBUS : HDF5CrashGuard.previousSEGV
            _ = sigaction(signal, &previous, nil)
            _ = raise(signal)
        }
        action.sa_flags = SA_SIGINFO | SA_ONSTACK
        sigemptyset(&action.sa_mask)
        _ = sigaction(SIGSEGV, &action, &previousSEGV)
        _ = sigaction(SIGBUS, &action, &previousBUS)
        var alarm = sigaction()
        alarm.__sigaction_handler.sa_handler = { _ in
            guard HDF5CrashGuard.depth > 0, let message = HDF5CrashGuard.timeoutMessage else { return }
            _ = write(2, message, HDF5CrashGuard.timeoutMessageLength)
            Interruption.removePartialFilesFromSignalHandler()
            _exit(1)
        }
        sigemptyset(&alarm.sa_mask)
        _ = sigaction(SIGALRM, &alarm, nil)
    }()

    /// Starts (`seconds` > 0) or stops the one-shot timer of the call now running.
    private static func setTimer(_ seconds: Int) {
        var timer = itimerval()
        timer.it_value.tv_sec = seconds
        _ = setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }

    /// Arms the guard for a libhdf5 call on `file` (called under the library lock).
    static func arm(file: String) {
        _ = installed
        // A nested call keeps the outer call's file.
        if depth == 0 && (file != messageFile || message == nil) {
            free(message)
            let text = "Error: \(file): libhdf5 crashed reading it: the file is damaged (an internal address or length is wrong)\n"
            message = strdup(text)
            messageLength = text.utf8.count
            free(timeoutMessage)
            let timeout = "Error: \(file): libhdf5 did not return within \(callTimeout) s reading it: the file is damaged"
                + " (the library loops on a broken internal structure)\n"
            timeoutMessage = strdup(timeout)
            timeoutMessageLength = timeout.utf8.count
            messageFile = file
        }
        if depth == 0 {
            // A parent may hand down a blocked SIGALRM (a test runner does): the calling thread takes the signals.
            var signals = sigset_t()
            sigemptyset(&signals)
            for number in [SIGALRM, SIGSEGV, SIGBUS] { sigaddset(&signals, number) }
            _ = pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            setTimer(callTimeout)
        }
        depth += 1
    }

    static func disarm() {
        depth -= 1
        if depth == 0 { setTimer(0) }
    }
}
