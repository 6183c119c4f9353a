import Foundation
import NPSDomain

#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromium`, headless, driven over the DevTools protocol on a
/// pair of pipes (`--remote-debugging-pipe`: commands in on fd 3, answers
/// and events out on fd 4, each message JSON ended by a NUL). One page; the
/// console errors, uncaught exceptions and error log entries of that page
/// are collected in `errors`.
public final class HeadlessChromium {
    public static let executable = "/usr/bin/chromium"

    private let process: ChildProcess
    private let profile: URL
    private let commands: Int32
    private let answers: Int32
    private var received: [UInt8] = []
    private var nextID = 0
    private var session = ""
    /// What the page reported as an error, in order.
    public private(set) var errors: [String] = []

    public init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw TestDatabaseError("\(Self.executable) is missing: apt-get install chromium (./tools/test does)")
        }
        let to = try ChildProcess.closeOnExecPipe()
        let from = try ChildProcess.closeOnExecPipe()
        let toChromium = [to.read, to.write]
        let fromChromium = [from.read, from.write]
        profile = FileManager.default.temporaryDirectory.appending(path: "nps-chromium-\(UUID().uuidString)")
        process = try ChildProcess(
            executable: Self.executable,
            arguments: [
                "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=\(profile.path())", "--window-size=1280,900", "about:blank",
            ],
            descriptors: [3: toChromium[0], 4: fromChromium[1]]
        )
        close(toChromium[0])
        close(fromChromium[1])
        commands = toChromium[1]
        answers = fromChromium[0]
        let target = try call("Target.createTarget", ["url": .string("about:blank")], inSession: false)
        guard let targetID = target["targetId"]?.stringValue else { throw TestDatabaseError("no target: \(target)") }
        let attached = try call(
            "Target.attachToTarget", ["targetId": .string(targetID), "flatten": .bool(true)], inSession: false)
        guard let session = attached["sessionId"]?.stringValue else { throw TestDatabaseError("no session") }
        self.session = session
        for domain in ["Page", "Runtime", "Log"] { _ = try call("\(domain).enable") }
    }

    deinit {
        close(commands)
        close(answers)
        process.stop()
        process.removeLog()
        try? FileManager.default.removeItem(at: profile)
    }

    /// Loads `url` and waits for its load event.
    public func open(_ url: String) throws {
        _ = try call("Page.navigate", ["url": .string(url)])
        try waitForLoad()
    }

    public func waitForLoad(timeout: Duration = .seconds(90)) throws {
        _ = try readUntil(timeout: timeout) { message in message["method"]?.stringValue == "Page.loadEventFired" }
    }

    /// The value of a JavaScript expression evaluated in the page (the
    /// dashboard itself has no scripts; this is the test looking at its DOM).
    public func evaluate(_ expression: String) throws -> JSONValue {
        let result = try call(
            "Runtime.evaluate", ["expression": .string(expression), "returnByValue": .bool(true)])
        if let exception = result["exceptionDetails"] {
            throw TestDatabaseError("\(expression) threw: \(exception)")
        }
        return result["result"]?["value"] ?? .null
    }

    /// Presses and releases a key as a keyboard does: "Tab", "Enter", " " (space), "ArrowLeft", "ArrowRight".
    public func press(_ key: String) throws {
        let keys: [String: (code: String, keyCode: Int, text: String?)] = [
            "Tab": ("Tab", 9, nil), "Enter": ("Enter", 13, "\r"), " ": ("Space", 32, " "),
            "ArrowLeft": ("ArrowLeft", 37, nil), "ArrowRight": ("ArrowRight", 39, nil),
        ]
        guard let (code, keyCode, text) = keys[key] else { throw TestDatabaseError("no key \(key) in press(_:)") }
        var event: [String: JSONValue] = [
            "type": .string(text == nil ? "rawKeyDown" : "keyDown"), "key": .string(key), "code": .string(code),
            "windowsVirtualKeyCode": .number(Double(keyCode)),
        ]
        if let text { event["text"] = .string(text) }
        _ = try call("Input.dispatchKeyEvent", event)
        event["type"] = .string("keyUp")
        event["text"] = nil
        _ = try call("Input.dispatchKeyEvent", event)
    }

    /// Types `text` into the focused field, as a keyboard would.
    public func type(_ text: String) throws {
        _ = try call("Input.insertText", ["text": .string(text)])
    }

    /// Lays the page out as on a screen `width` CSS pixels wide (a phone when `mobile`).
    public func setViewport(width: Int, height: Int, mobile: Bool) throws {
        _ = try call(
            "Emulation.setDeviceMetricsOverride",
            [
                "width": .number(Double(width)), "height": .number(Double(height)),
                "deviceScaleFactor": .number(mobile ? 2 : 1), "mobile": .bool(mobile),
            ])
    }

    /// A PNG of the page as it is laid out now, written to `file`.
    public func screenshot(to file: URL) throws {
        let result = try call(
            "Page.captureScreenshot", ["format": .string("png"), "captureBeyondViewport": .bool(true)])
        guard let data = result["data"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else {
            throw TestDatabaseError("no screenshot")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    private func call(
        _ method: String, _ parameters: [String: JSONValue] = [:], inSession: Bool = true
    ) throws
        -> JSONValue
    {
        nextID += 1
        let id = nextID
        var message: [String: JSONValue] = [
            "id": .number(Double(id)), "method": .string(method), "params": .object(parameters),
        ]
        if inSession { message["sessionId"] = .string(session) }
        var bytes = Array(try EventJSON.encode(JSONValue.object(message)).utf8)
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard count > 0 else { throw TestDatabaseError("chromium closed its pipe:\n\(process.outputTail())") }
            written += count
        }
        let answer = try readUntil(timeout: .seconds(90)) { $0["id"]?.doubleValue == Double(id) }
        if let error = answer["error"] { throw TestDatabaseError("\(method) failed: \(error)") }
        return answer["result"] ?? .null
    }

    /// Reads messages until one satisfies `wanted`, noting the page's errors on the way.
    private func readUntil(timeout: Duration, _ wanted: (JSONValue) -> Bool) throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let end = received.firstIndex(of: 0) {
                let message = try JSONValue.parse(Array(received[..<end]))
                received.removeSubrange(...end)
                noteError(message)
                if wanted(message) { return message }
                continue
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestDatabaseError("chromium did not answer in time") }
            var descriptor = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(1_000, max(1, left.components.seconds * 1_000)))
            guard poll(&descriptor, 1, milliseconds) >= 0 else { continue }
            guard descriptor.revents != 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = read(answers, &buffer, buffer.count)
            guard count > 0 else { throw TestDatabaseError("chromium ended:\n\(process.outputTail())") }
            received += buffer[..<count]
        }
    }

    private func noteError(_ message: JSONValue) {
        let parameters = message["params"]
        switch message["method"]?.stringValue {
        case "Runtime.exceptionThrown":
            errors.append("exception: \(parameters?["exceptionDetails"]?["text"]?.stringValue ?? "?")")
        case "Runtime.consoleAPICalled" where parameters?["type"]?.stringValue == "error":
            errors.append("console.error: \(parameters?["args"].map { "\($0)" } ?? "")")
        case "Log.entryAdded" where parameters?["entry"]?["level"]?.stringValue == "error":
            errors.append("log: \(parameters?["entry"]?["text"]?.stringValue ?? "?")")
        default:
            break
        }
    }
}
