/// A setting outside what actlm trains or runs: the flag that sets it, the field that stores it
/// (`model.hidden`, as the checkpoint's JSON spells it), and a message that says what is allowed.
public struct SettingProblem: Equatable, Sendable, CustomStringConvertible {
    public let flag: String
    public let field: String
    public let message: String

    public init(flag: String, field: String, message: String) {
        self.flag = flag
        self.field = field
        self.message = message
    }

    /// The same problem with its field inside `parent` (`hidden` → `model.hidden`).
    public func within(_ parent: String) -> SettingProblem {
        SettingProblem(flag: flag, field: parent + "." + field, message: message)
    }

    public var description: String { message }
}
