import Testing
@testable import UnitifyCore

@Suite struct ShellLineTests {
    typealias L = ShellLine

    @Test(arguments: [
        // The lines people actually paste.
        ("nohup python -u some_sciprt.py > output.log 2>&1 &",
         L(argv: ["python", "-u", "some_sciprt.py"], standardOutput: .truncate("output.log"), standardError: .truncate("output.log"), droppedNohup: true)),
        ("nohup command > custom.log &", L(argv: ["command"], standardOutput: .truncate("custom.log"), droppedNohup: true)),
        ("nohup command &", L(argv: ["command"], droppedNohup: true)),
        ("nohup python3 my_server.py &", L(argv: ["python3", "my_server.py"], droppedNohup: true)),
        ("nohup my_command > my_log.log 2>&1 &",
         L(argv: ["my_command"], standardOutput: .truncate("my_log.log"), standardError: .truncate("my_log.log"), droppedNohup: true)),
        ("nohup cargo run --release > server.log 2>&1 &",
         L(argv: ["cargo", "run", "--release"], standardOutput: .truncate("server.log"), standardError: .truncate("server.log"), droppedNohup: true)),
        ("cd /srv/app && PORT=8080 nohup ./server >> server.log 2>&1 &",
         L(argv: ["./server"], environment: ["PORT=8080"], workingDirectory: "/srv/app",
           standardOutput: .append("server.log"), standardError: .append("server.log"), droppedNohup: true)),
        // Every redirection form, with and without a space before the file.
        ("./server", L(argv: ["./server"])),
        ("./server&", L(argv: ["./server"])),
        ("./server >out.log", L(argv: ["./server"], standardOutput: .truncate("out.log"))),
        ("./server 1> out.log", L(argv: ["./server"], standardOutput: .truncate("out.log"))),
        ("./server >> out.log", L(argv: ["./server"], standardOutput: .append("out.log"))),
        ("./server 1>>out.log", L(argv: ["./server"], standardOutput: .append("out.log"))),
        ("./server >| out.log", L(argv: ["./server"], standardOutput: .truncate("out.log"))),
        ("./server 2> err.log", L(argv: ["./server"], standardError: .truncate("err.log"))),
        ("./server 2>>err.log", L(argv: ["./server"], standardError: .append("err.log"))),
        ("./server > out.log 2> err.log", L(argv: ["./server"], standardOutput: .truncate("out.log"), standardError: .truncate("err.log"))),
        ("./server &> all.log", L(argv: ["./server"], standardOutput: .truncate("all.log"), standardError: .truncate("all.log"))),
        ("./server &>>all.log", L(argv: ["./server"], standardOutput: .append("all.log"), standardError: .append("all.log"))),
        ("./server >& all.log", L(argv: ["./server"], standardOutput: .truncate("all.log"), standardError: .truncate("all.log"))),
        ("./server >&all.log", L(argv: ["./server"], standardOutput: .truncate("all.log"), standardError: .truncate("all.log"))),
        ("./server < in.txt", L(argv: ["./server"], standardInput: "in.txt")),
        ("./server 0<in.txt", L(argv: ["./server"], standardInput: "in.txt")),
        ("./server >/dev/null 2>&1", L(argv: ["./server"], standardOutput: .truncate("/dev/null"), standardError: .truncate("/dev/null"))),
        // Order matters as in the shell: 2>&1 copies stdout as it is at that point.
        ("./server 2>&1 > out.log", L(argv: ["./server"], standardOutput: .truncate("out.log"))),
        ("./server 2>&1 >> out.log", L(argv: ["./server"], standardOutput: .append("out.log"))),
        ("./server 2>&1", L(argv: ["./server"])),
        ("./server 2>& 1 >x", L(argv: ["./server"], standardOutput: .truncate("x"))),
        ("./server > a.log > b.log", L(argv: ["./server"], standardOutput: .truncate("b.log"))),
        ("./server 2>e 2>&1 &>>all", L(argv: ["./server"], standardOutput: .append("all"), standardError: .append("all"))),
        // Redirections anywhere, glued or not; digits are a descriptor only when glued to > or <.
        ("> out.log ./server --port 80", L(argv: ["./server", "--port", "80"], standardOutput: .truncate("out.log"))),
        ("./server > out.log --port 80", L(argv: ["./server", "--port", "80"], standardOutput: .truncate("out.log"))),
        ("./server>out.log 2>&1&", L(argv: ["./server"], standardOutput: .truncate("out.log"), standardError: .truncate("out.log"))),
        ("./server 2 > f", L(argv: ["./server", "2"], standardOutput: .truncate("f"))),
        ("./server a2>f", L(argv: ["./server", "a2"], standardOutput: .truncate("f"))),
        ("./server \"2\">f", L(argv: ["./server", "2"], standardOutput: .truncate("f"))),
        ("./server 12", L(argv: ["./server", "12"])),
        ("./server > \"my log.log\"", L(argv: ["./server"], standardOutput: .truncate("my log.log"))),
        // Quotes and escapes.
        ("echo '>'", L(argv: ["echo", ">"])),
        ("echo \">\" out", L(argv: ["echo", ">", "out"])),
        ("echo \\> \\&", L(argv: ["echo", ">", "&"])),
        ("python -c 'print(\"hi $USER\", *[1])'", L(argv: ["python", "-c", "print(\"hi $USER\", *[1])"])),
        ("echo \"a \\\"b\\\" \\\\ \\$ \\` c\"", L(argv: ["echo", "a \"b\" \\ $ ` c"])),
        ("echo \"a\\nb \\x\"", L(argv: ["echo", "a\\nb \\x"])),
        ("echo a\\ b c", L(argv: ["echo", "a b", "c"])),
        ("echo it\\'s", L(argv: ["echo", "it's"])),
        ("echo '' \"\" x", L(argv: ["echo", "", "", "x"])),
        ("echo \"a\"'b'c", L(argv: ["echo", "abc"])),
        ("echo '$HOME *.log ~ | ; & ( ) `x` {a,b}'", L(argv: ["echo", "$HOME *.log ~ | ; & ( ) `x` {a,b}"])),
        ("echo \"*.log ~ | ; & ( ) [x] {a,b}\"", L(argv: ["echo", "*.log ~ | ; & ( ) [x] {a,b}"])),
        ("echo cost$ \"$\" a$ b", L(argv: ["echo", "cost$", "$", "a$", "b"])),
        ("echo a~b {} \\; ]", L(argv: ["echo", "a~b", "{}", ";", "]"])),
        ("echo \\~ '~' \\*", L(argv: ["echo", "~", "~", "*"])),
        ("./server \\\n  --port 80", L(argv: ["./server", "--port", "80"])),
        ("./server \\\r\n  --port 80 &\r\n", L(argv: ["./server", "--port", "80"])),
        ("echo ab\\\ncd \"x\\\ny\"", L(argv: ["echo", "abcd", "xy"])),
        ("echo 'a\\\nb'", L(argv: ["echo", "a\\\nb"])),
        ("./server # starts the server", L(argv: ["./server"])),
        ("./server a#b", L(argv: ["./server", "a#b"])),
        ("\n./server\n\n", L(argv: ["./server"])),
        ("nohup ./server &\r\n", L(argv: ["./server"], droppedNohup: true)),
        ("\t ./server\t--x ", L(argv: ["./server", "--x"])),
        // Variables, cd and nohup.
        ("A=1 B=\"two words\" ./job", L(argv: ["./job"], environment: ["A=1", "B=two words"])),
        ("A=1 nohup ./job &", L(argv: ["./job"], environment: ["A=1"], droppedNohup: true)),
        ("_X9=a=b ./job", L(argv: ["./job"], environment: ["_X9=a=b"])),
        ("\"A=1\" ./job", L(argv: ["A=1", "./job"])),
        ("A\\=1 ./job", L(argv: ["A=1", "./job"])),
        ("./job A=1", L(argv: ["./job", "A=1"])),
        ("--x=1 ./job", L(argv: ["--x=1", "./job"])),
        ("cd \"/srv/my app\" && ./server", L(argv: ["./server"], workingDirectory: "/srv/my app")),
        ("cd /srv&&nohup ./server&", L(argv: ["./server"], workingDirectory: "/srv", droppedNohup: true)),
        ("nohup -- ./server &", L(argv: ["./server"], droppedNohup: true)),
        ("/usr/bin/nohup ./server", L(argv: ["./server"], droppedNohup: true)),
        ("nohup env A=1 ./server", L(argv: ["env", "A=1", "./server"], droppedNohup: true)),
        ("./nohup.sh", L(argv: ["./nohup.sh"])),
    ] as [(String, ShellLine)])
    func parses(_ line: String, _ expected: ShellLine) throws {
        #expect(try ShellLine.parse(line) == expected)
    }

    /// What only a shell can do: the message names it and suggests `--shell` with the line.
    @Test(arguments: [
        ("python train.py | tee log", "the pipe '|' needs a shell: use --shell 'python train.py | tee log'"),
        ("nohup python train.py 2>&1 | tee log &", "the pipe '|' needs a shell: use --shell 'python train.py 2>&1 | tee log'"),
        ("cd /x && nohup ./a | ./b &", "use --shell 'cd /x && ./a | ./b'"),
        ("make; ./server", "';' between commands needs a shell"),
        ("make && ./server", "'&&' other than a leading 'cd DIR &&' needs a shell: use --shell 'make && ./server'"),
        ("cd /x && make && ./server", "'&&' other than a leading 'cd DIR &&'"),
        ("A=1 cd /x && ./server", "'&&' other than"),
        ("make || true", "'||' between commands"),
        ("./a & ./b", "the '&' in the middle of the line needs a shell: use --shell './a & ./b'"),
        ("./a & ./b &", "use --shell './a & ./b'"),
        ("./a\n./b", "the line break between two commands needs a shell"),
        ("echo $HOME", "the variable '$HOME' needs a shell: use --shell 'echo $HOME', or write its value out"),
        ("echo ${HOME}/x", "the variable '${HOME}'"),
        ("echo \"$HOME\"", "the variable '$HOME'"),
        ("echo \"${A:-x}\"", "the variable '${A:-x}'"),
        ("echo $1 $?", "the variable '$1'"),
        ("echo $?", "the variable '$?'"),
        ("echo $(date)", "the command substitution '$(date)'"),
        ("echo \"$(date)\"", "the command substitution '$(date)'"),
        ("echo `date`", "the command substitution '`date`'"),
        ("echo \"`date`\"", "the command substitution '`date`'"),
        ("echo $((1+2))", "the arithmetic '$((1+2))'"),
        ("echo $(basename $(pwd)) x", "the command substitution '$(basename $(pwd))'"),
        ("echo $'a\\nb'", "the $'…' quoting needs a shell"),
        ("ls *.log", "the wildcard '*' in '*.log' needs a shell: use --shell 'ls *.log', or quote the word"),
        ("ls file?.txt", "the wildcard '?' in 'file?.txt'"),
        ("ls [ab].txt", "the wildcard '[' in '[ab].txt'"),
        ("ls 'a'*", "the wildcard '*' in ''a'*'"),
        ("cd ~/app && ./server", "the '~' in '~/app' needs a shell: use --shell 'cd ~/app && ./server', or write the full path"),
        ("./server --config ~/x.yml", "the '~' in '~/x.yml'"),
        ("./server > ~/log", "the '~' in '~/log'"),
        ("A=~/bin ./x", "the '~' in 'A=~/bin'"),
        ("PATH=/bin:~/bin ./x", "the '~' in 'PATH=/bin:~/bin'"),
        ("cp a{,.bak}", "the brace expansion in 'a{,.bak}'"),
        ("echo {1..3}", "the brace expansion in '{1..3}'"),
        ("cat <<EOF", "the here-document '<<'"),
        ("cat <<-EOF", "the here-document '<<-'"),
        ("cat <<< hi", "the here-string '<<<'"),
        ("(cd /x && ./server)", "the subshell '('"),
        ("./server >&2", "the redirection '>&2'"),
        ("./server 1>&2", "the redirection '1>&2'"),
        ("./server 2>&-", "the redirection '2>&-'"),
        ("./server 3> f", "the redirection '3>'"),
        ("./server 0> f", "the redirection '0>'"),
        ("./server 1< f", "the redirection '1<'"),
        ("./server <&3", "the redirection '<&'"),
        ("./server <> f", "the redirection '<>'"),
        // The first problem in the line is the one reported.
        ("echo $A | tee `x`", "the variable '$A'"),
        ("echo a | tee $A", "the pipe '|'"),
        ("echo 'a b' | cat", "use --shell 'echo '\\''a b'\\'' | cat'"),
        ("./a \\\n | ./b", "use --shell with the whole line in quotes"),
    ] as [(String, String)])
    func refersToShell(_ line: String, _ message: String) {
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse(line) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("--shell") == true)
        #expect(error?.message.contains("\n") == false)
    }

    /// Lines a shell would reject too: no `--shell` to suggest.
    @Test(arguments: [
        ("echo 'abc", "unclosed single quote (') in 'echo 'abc': add the closing quote, or write a literal ' as \\'"),
        ("echo \"abc", "unclosed double quote (\") in 'echo \"abc': add the closing quote, or write a literal \" as \\\""),
        ("echo 'it\"s", "unclosed single quote"),
        ("echo \"it's", "unclosed double quote"),
        ("echo \"a\\\"", "unclosed double quote"),
        ("echo 'a\nb", "unclosed single quote (') in 'echo 'a\\nb'"),
        ("", "the command line is empty: give one such as 'nohup ./server > server.log 2>&1 &'"),
        ("  \n ", "the command line is empty"),
        ("nohup &", "no command to run in 'nohup &': add the program, e.g. 'nohup ./server > server.log 2>&1 &'"),
        ("&", "no command to run in '&'"),
        ("# just a comment", "no command to run"),
        ("A=1", "no command to run in 'A=1'"),
        ("> out.log", "no command to run"),
        ("cd /x &&", "no command to run"),
        ("./server >", "the redirection '>' has no file after it: write one, e.g. >out.log"),
        ("./server 2>", "the redirection '2>' has no file after it: write one, e.g. 2>out.log"),
        ("./server > &", "the redirection '>' has no file after it"),
        ("./server <", "the redirection '<' has no file after it: write one, e.g. <input.txt"),
        ("./server 2>&", "the redirection '2>&' has no file after it: write one, e.g. 2>&1"),
        ("./server >> 2>&1", "the redirection '>>' has no file after it"),
        ("./server 2>&log", "the redirection '2>&log' needs a descriptor number after >&: write 2> log to send it to a file"),
        ("./server > \"\"", "the redirection '>' has an empty file name"),
        ("nohup A=1 ./job", "nohup runs 'A=1' as a program, not as a variable: put it before nohup, e.g. A=1 nohup ./job"),
        ("./server \\", "the line './server \\' ends with a backslash: join the continued line to it, or remove the \\"),
    ] as [(String, String)])
    func refuses(_ line: String, _ message: String) {
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse(line) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("--shell") == false)
        #expect(error?.message.contains("\n") == false)
    }
}
