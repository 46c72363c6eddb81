/// Reading settings back from unit-file text, such as the transient unit files systemd writes
/// itself: the D-Bus API does not expose where a file-backed StandardOutput= points.
public enum UnitFileText {
    /// The last value of `key` (later assignments win), with systemd's `%%` undone.
    public static func lastValue(of key: String, in text: String) -> String? {
        var value: String?
        for line in text.split(separator: "\n") where line.hasPrefix(key + "=") {
            value = String(line.dropFirst(key.count + 1)).replacing("%%", with: "%")
        }
        return value
    }
}
