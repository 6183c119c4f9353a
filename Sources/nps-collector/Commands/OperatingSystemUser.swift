import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who runs a command, as the operating system knows them: the default
/// "requested by" of an audited command. Not a setting of the collector, so
/// it is read here and not through `EnvironmentSettings`.
enum OperatingSystemUser {
    /// `cli:` and the login name (`USER`, else the password database's name
    /// for the effective user id, else the id itself).
    static var requester: String { "cli:\(name)" }

    static var name: String {
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(uid)"
    }
}
