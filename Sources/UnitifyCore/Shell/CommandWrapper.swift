/// Programs that run the command after their options and change how it runs (`nice -n 10`,
/// `stdbuf -oL`, `env VAR=…`, `time`): a line keeps them, and `ShellLine` looks through them for a
/// `nohup` or `setsid` beneath (`nice -n 10 setsid ./job`), which only detaches.
enum CommandWrapper {
    /// A wrapper's options as GNU coreutils (and GNU time) take them.
    struct Options {
        /// Short options followed by a value, attached (`-n10`, `-oL`) or as the next word.
        var withValue: Set<Character> = []
        var flags: Set<Character> = []
        /// Long options followed by a value, after `=` or as the next word.
        var longWithValue: Set<Substring> = []
        var longFlags: Set<Substring> = []
        /// `nice -10`.
        var numeric = false
        /// `env NAME=VALUE`.
        var assignments = false
    }

    static let known: [String: Options] = [
        "nice": Options(withValue: ["n"], longWithValue: ["adjustment"], numeric: true),
        "stdbuf": Options(withValue: ["i", "o", "e"], longWithValue: ["input", "output", "error"]),
        // Not -S, whose value is itself a command line.
        "env": Options(withValue: ["u", "C"], flags: ["i", "0", "v"], longWithValue: ["unset", "chdir"],
                       longFlags: ["ignore-environment", "null", "debug"], assignments: true),
        "time": Options(withValue: ["f", "o"], flags: ["p", "v", "a", "q"], longWithValue: ["format", "output"],
                        longFlags: ["portability", "verbose", "append", "quiet"]),
    ]

    /// `/usr/bin/nohup` -> `nohup`.
    static func programName(_ word: String) -> String {
        word.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? word
    }

    /// `setsid`'s options: `-f`/`--fork`, `-w`/`--wait`, `-c`/`--ctty`, alone or together.
    static func isSetsidOption(_ word: String) -> Bool {
        ["--fork", "--wait", "--ctty"].contains(word)
            || (word.count > 1 && word.hasPrefix("-") && word.dropFirst().allSatisfy { "fwc".contains($0) })
    }

    /// Where the command that the wrapper at `index` runs starts; nil when `words[index]` is no
    /// wrapper, when an option is one it does not know, or a word is not plain text (nil).
    static func commandStart(_ words: [String?], wrapper index: Int) -> Int? {
        guard let name = words[index].map(programName), let options = known[name] else { return nil }
        var position = index + 1
        while position < words.count, let word = words[position] {
            if word == "--" {
                position += 1
                break
            }
            if options.assignments, !word.hasPrefix("-"), let equals = word.firstIndex(of: "="), equals != word.startIndex {
                position += 1
                continue
            }
            if options.assignments, word == "-" {
                position += 1
                continue
            }
            guard word.count > 1, word.hasPrefix("-") else { break }
            if options.numeric, word.dropFirst().allSatisfy(\.isNumber) {
                position += 1
                continue
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let long = body.prefix { $0 != "=" }
                if options.longWithValue.contains(long) {
                    position += long.count == body.count ? 2 : 1
                } else if options.longFlags.contains(long), long.count == body.count {
                    position += 1
                } else {
                    return nil
                }
                continue
            }
            var valueInNextWord = false
            for (offset, option) in word.dropFirst().enumerated() {
                if options.flags.contains(option) { continue }
                guard options.withValue.contains(option) else { return nil }
                valueInNextWord = offset == word.count - 2
                break
            }
            position += valueInNextWord ? 2 : 1
        }
        return position < words.count && words[position] != nil ? position : nil
    }
}
