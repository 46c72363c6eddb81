import Testing
@testable import UnitifyCore

@Suite struct ShellLineTests {
    typealias L = ShellLine

    @Test(arguments: [
        // The lines people actually paste.
        ("nohup python -u some_sciprt.py > output.log 2>&1 &",
         L(argv: ["python", "-u", "some_sciprt.py"], standardOutput: .truncate("output.log"), standardError: .truncate("output.log"), dropped: [.nohup])),
        ("nohup command > custom.log &", L(argv: ["command"], standardOutput: .truncate("custom.log"), dropped: [.nohup])),
        ("nohup command &", L(argv: ["command"], dropped: [.nohup])),
        ("nohup python3 my_server.py &", L(argv: ["python3", "my_server.py"], dropped: [.nohup])),
        ("nohup my_command > my_log.log 2>&1 &",
         L(argv: ["my_command"], standardOutput: .truncate("my_log.log"), standardError: .truncate("my_log.log"), dropped: [.nohup])),
        ("nohup cargo run --release > server.log 2>&1 &",
         L(argv: ["cargo", "run", "--release"], standardOutput: .truncate("server.log"), standardError: .truncate("server.log"), dropped: [.nohup])),
        ("cd /srv/app && PORT=8080 nohup ./server >> server.log 2>&1 &",
         L(argv: ["./server"], environment: ["PORT=8080"], workingDirectory: "/srv/app",
           standardOutput: .append("server.log"), standardError: .append("server.log"), dropped: [.nohup])),
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
        ("nohup ./server &\r\n", L(argv: ["./server"], dropped: [.nohup])),
        ("\t ./server\t--x ", L(argv: ["./server", "--x"])),
        // Variables, cd and nohup.
        ("A=1 B=\"two words\" ./job", L(argv: ["./job"], environment: ["A=1", "B=two words"])),
        ("A=1 nohup ./job &", L(argv: ["./job"], environment: ["A=1"], dropped: [.nohup])),
        ("_X9=a=b ./job", L(argv: ["./job"], environment: ["_X9=a=b"])),
        ("\"A=1\" ./job", L(argv: ["A=1", "./job"])),
        ("A\\=1 ./job", L(argv: ["A=1", "./job"])),
        ("./job A=1", L(argv: ["./job", "A=1"])),
        ("--x=1 ./job", L(argv: ["--x=1", "./job"])),
        ("cd \"/srv/my app\" && ./server", L(argv: ["./server"], workingDirectory: "/srv/my app")),
        ("cd /srv&&nohup ./server&", L(argv: ["./server"], workingDirectory: "/srv", dropped: [.nohup])),
        ("nohup -- ./server &", L(argv: ["./server"], dropped: [.nohup])),
        ("/usr/bin/nohup ./server", L(argv: ["./server"], dropped: [.nohup])),
        ("nohup env A=1 ./server", L(argv: ["env", "A=1", "./server"], dropped: [.nohup])),
        ("./nohup.sh", L(argv: ["./nohup.sh"])),
    ] as [(String, ShellLine)])
    func parses(_ line: String, _ expected: ShellLine) throws {
        #expect(try ShellLine.parse(line, in: LineSite()) == expected)
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
        ("echo \"${A:-x}\"", "the variable '${A:-x}' needs a shell: use --shell 'echo \"${A:-x}\"', or write its value out"),
        ("echo ${#HOME}", "the variable '${#HOME}'"),
        ("echo $0", "the variable '$0'"),
        ("echo $$", "the variable '$$'"),
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
        ("cd ~+/app && ./server", "the '~+' in '~+/app' needs a shell: use --shell 'cd ~+/app && ./server', or write the full path"),
        ("./server ~-", "the '~-' in '~-'"),
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
        ("echo $1 | tee `x`", "the variable '$1'"),
        ("echo a | tee $A", "the pipe '|'"),
        ("echo 'a b' | cat", "use --shell 'echo '\\''a b'\\'' | cat'"),
        ("./a \\\n | ./b", "use --shell with the whole line in quotes"),
    ] as [(String, String)])
    func refersToShell(_ line: String, _ message: String) {
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse(line, in: LineSite()) }
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
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse(line, in: LineSite()) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("--shell") == false)
        #expect(error?.message.contains("\n") == false)
    }
}

/// What the shell that would have run a line expands `~` and `$NAME` with: alice's login.
struct LineSite: JobSite {
    var environment = [
        "PATH=/usr/bin:/bin", "HOME=/home/alice", "USER=alice", "LOGDIR=/var/log/app", "EXP=resnet50",
        "DATA=/data/my set", "OPTS=--fast --quiet", "PATTERN=*.log", "EMPTY=", "PADDED= x",
    ]
    var currentDirectory: String? = "/home/alice"
    func fileKind(_ path: String) -> FileKind { .missing }
    func readText(_ path: String) throws(UnitifyError) -> String { throw UnitifyError.usage("cannot read \(path)") }
    func homeDirectory(ofUser user: String) -> String? { ["alice": "/home/alice", "bob": "/srv/bob"][user] }
}

/// Lines as people write them: from nohup guides, from questions about nohup on the web, with
/// `disown`, `~`, `$HOME`, a pid file and the wrappers around the command.
extension ShellLineTests {
    @Test(arguments: [
        // A guide's two lines: the job, then `disown -h %1` to "completely detach it".
        ("nohup python3 my_server.py &\ndisown -h %1", L(argv: ["python3", "my_server.py"], dropped: [.nohup, .disown])),
        ("nohup python train.py > train.log 2>&1 & disown",
         L(argv: ["python", "train.py"], standardOutput: .truncate("train.log"), standardError: .truncate("train.log"), dropped: [.nohup, .disown])),
        ("nohup ./a & disown -h", L(argv: ["./a"], dropped: [.nohup, .disown])),
        ("nohup ./a & disown %1", L(argv: ["./a"], dropped: [.nohup, .disown])),
        ("nohup ./a & disown -h %1", L(argv: ["./a"], dropped: [.nohup, .disown])),
        ("nohup ./a &disown -a", L(argv: ["./a"], dropped: [.nohup, .disown])),
        ("./a & disown $!", L(argv: ["./a"], dropped: [.disown])),
        ("./a &\n\ndisown\n", L(argv: ["./a"], dropped: [.disown])),
        ("./a & disown; disown -h %+", L(argv: ["./a"], dropped: [.disown])),
        ("./a &> a.log & disown &", L(argv: ["./a"], standardOutput: .truncate("a.log"), standardError: .truncate("a.log"), dropped: [.disown])),
        // `~` where the shell expands it: at the start of a word, after = and : of an assignment.
        ("nohup python train.py > ~/logs/train.log 2>&1 &",
         L(argv: ["python", "train.py"], standardOutput: .truncate("/home/alice/logs/train.log"),
           standardError: .truncate("/home/alice/logs/train.log"), dropped: [.nohup])),
        ("cd ~/app && ./server", L(argv: ["./server"], workingDirectory: "/home/alice/app")),
        ("cd ~ && ./server", L(argv: ["./server"], workingDirectory: "/home/alice")),
        ("./server --config ~/x.yml ~bob ~bob/data ~alice/", L(argv: ["./server", "--config", "/home/alice/x.yml", "/srv/bob", "/srv/bob/data", "/home/alice/"])),
        ("./server > ~/log < ~bob/in", L(argv: ["./server"], standardOutput: .truncate("/home/alice/log"), standardInput: "/srv/bob/in")),
        ("A=~/bin PATH=/bin:~/bin:~bob/bin ./x", L(argv: ["./x"], environment: ["A=/home/alice/bin", "PATH=/bin:/home/alice/bin:/srv/bob/bin"])),
        ("make PREFIX=~/.local install", L(argv: ["make", "PREFIX=/home/alice/.local", "install"])),
        ("echo a~/x --dir=~/x a:~/x '~/x' \"~/x\" \\~/x ~\"bob\" ~'/x'",
         L(argv: ["echo", "a~/x", "--dir=~/x", "a:~/x", "~/x", "~/x", "~/x", "~bob", "~/x"])),
        // Variables of the caller's environment, where the shell expands them.
        ("nohup ./server > $HOME/server.log 2>&1 &",
         L(argv: ["./server"], standardOutput: .truncate("/home/alice/server.log"), standardError: .truncate("/home/alice/server.log"), dropped: [.nohup])),
        ("nohup ./server > \"$HOME/server.log\" 2>&1 &",
         L(argv: ["./server"], standardOutput: .truncate("/home/alice/server.log"), standardError: .truncate("/home/alice/server.log"), dropped: [.nohup])),
        ("echo $HOME ${HOME}/x \"$USER\"@host $EXP.yaml ${EXP}_v2 $USER$EXP", L(argv: ["echo", "/home/alice", "/home/alice/x", "alice@host", "resnet50.yaml", "resnet50_v2", "aliceresnet50"])),
        ("echo \"$DATA\" \"$OPTS\" \"$PATTERN\" '$HOME' \"'$USER'\"", L(argv: ["echo", "/data/my set", "--fast --quiet", "*.log", "$HOME", "'alice'"])),
        ("echo $EMPTY x \"$EMPTY\" a$EMPTY", L(argv: ["echo", "x", "", "a"])),
        ("DIR=$DATA OPT=$OPTS X=$EMPTY ./job", L(argv: ["./job"], environment: ["DIR=/data/my set", "OPT=--fast --quiet", "X="])),
        ("cd $LOGDIR && nohup ./rotate >> rotate.log 2>&1 &",
         L(argv: ["./rotate"], workingDirectory: "/var/log/app", standardOutput: .append("rotate.log"), standardError: .append("rotate.log"), dropped: [.nohup])),
        ("CUDA_VISIBLE_DEVICES=1 nohup python train.py --config configs/$EXP.yaml > logs/$EXP.log 2>&1 &",
         L(argv: ["python", "train.py", "--config", "configs/resnet50.yaml"], environment: ["CUDA_VISIBLE_DEVICES=1"],
           standardOutput: .truncate("logs/resnet50.log"), standardError: .truncate("logs/resnet50.log"), dropped: [.nohup])),
        ("nohup java -Xmx2g -jar $HOME/app/app.jar --spring.profiles.active=prod > $HOME/app/app.log 2>&1 &",
         L(argv: ["java", "-Xmx2g", "-jar", "/home/alice/app/app.jar", "--spring.profiles.active=prod"],
           standardOutput: .truncate("/home/alice/app/app.log"), standardError: .truncate("/home/alice/app/app.log"), dropped: [.nohup])),
        // The pid the shell would have kept.
        ("nohup python script.py > out.log 2>&1 & echo $! > pid.txt",
         L(argv: ["python", "script.py"], standardOutput: .truncate("out.log"), standardError: .truncate("out.log"), pidFile: .truncate("pid.txt"), dropped: [.nohup])),
        ("nohup java -jar app.jar > app.log 2>&1 &\necho $! > app.pid",
         L(argv: ["java", "-jar", "app.jar"], standardOutput: .truncate("app.log"), standardError: .truncate("app.log"), pidFile: .truncate("app.pid"), dropped: [.nohup])),
        ("nohup ./run.sh > /dev/null 2>&1 & echo $! >> /var/run/app.pids",
         L(argv: ["./run.sh"], standardOutput: .truncate("/dev/null"), standardError: .truncate("/dev/null"), pidFile: .append("/var/run/app.pids"), dropped: [.nohup])),
        ("./a & echo \"$!\" >| ~/a.pid; disown", L(argv: ["./a"], pidFile: .truncate("/home/alice/a.pid"), dropped: [.disown])),
        ("./a & disown && echo ${!} 1>\"$LOGDIR/a.pid\"", L(argv: ["./a"], pidFile: .truncate("/var/log/app/a.pid"), dropped: [.disown])),
        // Wrappers that only detach are dropped; those that change how the job runs are kept.
        ("setsid nohup python train.py > t.log 2>&1 &",
         L(argv: ["python", "train.py"], standardOutput: .truncate("t.log"), standardError: .truncate("t.log"), dropped: [.setsid, .nohup])),
        ("nohup setsid ./server &", L(argv: ["./server"], dropped: [.nohup, .setsid])),
        ("nohup nohup ./server &", L(argv: ["./server"], dropped: [.nohup])),
        ("setsid -f ./server > s.log 2>&1 < /dev/null &",
         L(argv: ["./server"], standardOutput: .truncate("s.log"), standardError: .truncate("s.log"), standardInput: "/dev/null", dropped: [.setsid])),
        ("/usr/bin/setsid --fork -w -- ./server", L(argv: ["./server"], dropped: [.setsid])),
        ("nohup nice -n 10 ./backup.sh > backup.log 2>&1 &",
         L(argv: ["nice", "-n", "10", "./backup.sh"], standardOutput: .truncate("backup.log"), standardError: .truncate("backup.log"), dropped: [.nohup])),
        ("nohup stdbuf -oL python train.py > train.log 2>&1 &",
         L(argv: ["stdbuf", "-oL", "python", "train.py"], standardOutput: .truncate("train.log"), standardError: .truncate("train.log"), dropped: [.nohup])),
        ("nohup env CUDA_VISIBLE_DEVICES=0 python train.py > gpu0.log 2>&1 &",
         L(argv: ["env", "CUDA_VISIBLE_DEVICES=0", "python", "train.py"], standardOutput: .truncate("gpu0.log"), standardError: .truncate("gpu0.log"), dropped: [.nohup])),
        ("nohup time ./bench > bench.log 2>&1 &",
         L(argv: ["time", "./bench"], standardOutput: .truncate("bench.log"), standardError: .truncate("bench.log"), dropped: [.nohup])),
        ("nice -n 10 setsid ./a", L(argv: ["nice", "-n", "10", "./a"], dropped: [.setsid])),
        ("nice -n10 nohup ./a", L(argv: ["nice", "-n10", "./a"], dropped: [.nohup])),
        ("nice -5 stdbuf -o L -e0 setsid -f nohup ./a", L(argv: ["nice", "-5", "stdbuf", "-o", "L", "-e0", "./a"], dropped: [.setsid, .nohup])),
        ("stdbuf --output=L --error 0 nohup ./a", L(argv: ["stdbuf", "--output=L", "--error", "0", "./a"], dropped: [.nohup])),
        ("env -i -u X A=1 - -C /srv nohup ./a", L(argv: ["env", "-i", "-u", "X", "A=1", "-", "-C", "/srv", "./a"], dropped: [.nohup])),
        ("time -p -f %e nohup ./a", L(argv: ["time", "-p", "-f", "%e", "./a"], dropped: [.nohup])),
        ("nice --adjustment 3 -- setsid ./a", L(argv: ["nice", "--adjustment", "3", "--", "./a"], dropped: [.setsid])),
        // Beneath what it does not know, a `setsid` is the command's own business.
        ("nice --bogus setsid ./a", L(argv: ["nice", "--bogus", "setsid", "./a"])),
        ("env -S 'x y' setsid ./a", L(argv: ["env", "-S", "x y", "setsid", "./a"])),
        ("ionice -c3 setsid ./a", L(argv: ["ionice", "-c3", "setsid", "./a"])),
        ("./a setsid nohup", L(argv: ["./a", "setsid", "nohup"])),
        // More shapes from the web.
        ("nohup ./myscript.sh > /dev/null 2>&1 &",
         L(argv: ["./myscript.sh"], standardOutput: .truncate("/dev/null"), standardError: .truncate("/dev/null"), dropped: [.nohup])),
        ("nohup node server.js > output.log 2>&1 &",
         L(argv: ["node", "server.js"], standardOutput: .truncate("output.log"), standardError: .truncate("output.log"), dropped: [.nohup])),
        ("nohup ./start.sh &> start.log &", L(argv: ["./start.sh"], standardOutput: .truncate("start.log"), standardError: .truncate("start.log"), dropped: [.nohup])),
        ("nohup bash -c 'while true; do date; sleep 1; done' > loop.log 2>&1 &",
         L(argv: ["bash", "-c", "while true; do date; sleep 1; done"], standardOutput: .truncate("loop.log"), standardError: .truncate("loop.log"), dropped: [.nohup])),
        ("nohup jupyter notebook --no-browser --port=8888 > jupyter.log 2>&1 &",
         L(argv: ["jupyter", "notebook", "--no-browser", "--port=8888"], standardOutput: .truncate("jupyter.log"), standardError: .truncate("jupyter.log"), dropped: [.nohup])),
        ("cd ~/minecraft && nohup java -Xmx1024M -jar server.jar nogui &",
         L(argv: ["java", "-Xmx1024M", "-jar", "server.jar", "nogui"], workingDirectory: "/home/alice/minecraft", dropped: [.nohup])),
        ("cd /srv/app\nnohup ./server >> server.log 2>&1 &\necho $! > server.pid",
         L(argv: ["./server"], workingDirectory: "/srv/app", standardOutput: .append("server.log"), standardError: .append("server.log"),
           pidFile: .truncate("/srv/app/server.pid"), dropped: [.nohup])),
        ("cd app; nohup ./server & echo $! > server.pid", L(argv: ["./server"], workingDirectory: "app", pidFile: .truncate("app/server.pid"), dropped: [.nohup])),
        ("cd ~/app/\n./server &\necho $! > /run/server.pid", L(argv: ["./server"], workingDirectory: "/home/alice/app/", pidFile: .truncate("/run/server.pid"))),
        // `cd DIR && job &` is one list in the background: the shell itself stays where it was.
        ("cd app && nohup ./server > server.log 2>&1 & echo $! > server.pid",
         L(argv: ["./server"], workingDirectory: "app", standardOutput: .truncate("server.log"), standardError: .truncate("server.log"),
           pidFile: .truncate("server.pid"), dropped: [.nohup])),
        ("PORT=3000 NODE_ENV=production nohup node app.js > app.log 2>&1 &",
         L(argv: ["node", "app.js"], environment: ["PORT=3000", "NODE_ENV=production"], standardOutput: .truncate("app.log"), standardError: .truncate("app.log"), dropped: [.nohup])),
    ] as [(String, ShellLine)])
    func asPeopleWriteThem(_ line: String, _ expected: ShellLine) throws {
        #expect(try ShellLine.parse(line, in: LineSite()) == expected)
    }

    /// What the shell would do differently from what the line seems to say, or cannot be a unit.
    @Test(arguments: [
        ("nohup python train.py > $NOLOGDIR/train.log 2>&1 &",
         "the variable '$NOLOGDIR' in '$NOLOGDIR/train.log' is not set: export it, or write its value out"),
        ("echo \"$NOPE\"", "the variable '$NOPE' is not set"),
        ("A=${NOPE} ./job", "the variable '$NOPE' in 'A=${NOPE}' is not set"),
        ("nohup ./server $OPTS &",
         "the value of '$OPTS' ('--fast --quiet') has blanks, at which the shell would split it into several words: write \"$OPTS\" in double quotes to keep it one word, or use --shell"),
        ("./server --data=$DATA", "the value of '$DATA' ('/data/my set') has blanks"),
        ("./server $PADDED", "the value of '$PADDED' (' x') has blanks"),
        ("./server > $DATA/x.log", "the value of '$DATA' ('/data/my set') has blanks"),
        ("ls $PATTERN", "the value of '$PATTERN' ('*.log') has the wildcard '*', which the shell would expand: write \"$PATTERN\" in double quotes to keep it as it is, or use --shell"),
        ("./server > $EMPTY", "'$EMPTY' expands to nothing, and the shell would have no file name: set the variable, or write the name out"),
        ("./a ~carol/x", "the '~carol' in '~carol/x' names no user 'carol': check the name, or write the full path"),
        ("./a & echo $!", "'echo $!' prints the job's pid, which unitify prints when it starts the job: leave it out, or keep it in a file with echo $! > FILE"),
        ("./a & echo $! $! > p", "'echo $! $! > p': unitify writes the job's pid alone, with echo $! > FILE"),
        ("./a & echo $! 2> p", "'echo $! 2> p': the job's pid goes to a file with echo $! > FILE or echo $! >> FILE"),
        ("./a & echo $! > p; echo $! > q", "the line writes the job's pid twice ('echo $! > q'): keep one echo $! > FILE"),
        ("./a & echo $! > $NOPE", "the variable '$NOPE' is not set"),
        ("setsid A=1 ./job", "setsid runs 'A=1' as a program, not as a variable: put it before setsid, e.g. A=1 setsid ./job"),
    ] as [(String, String)])
    func refusesWhatTheShellWouldDoOtherwise(_ line: String, _ message: String) {
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse(line, in: LineSite()) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func tildeWithoutHome() {
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse("./a > ~/a.log", in: LineSite(environment: ["PATH=/bin"])) }
        #expect(error?.message == "the '~' in '~/a.log' stands for HOME, which is not set: write the full path")
    }

    /// What stays a shell's: the suggestion leaves out what would end the unit at once.
    @Test(arguments: [
        ("setsid nohup ./a | tee log & disown", "the pipe '|' needs a shell: use --shell './a | tee log'"),
        ("nohup ./a | tee log & echo $! > a.pid", "use --shell './a | tee log'"),
        ("./a & kill $!", "the '&' in the middle of the line needs a shell: use --shell './a & kill $!'"),
        ("./a &\n./b", "the '&' in the middle of the line"),
        ("./a & disown && ./b", "the '&' in the middle of the line"),
        ("./a & disown || true", "the '||' between commands"),
        ("./a & echo $! > p &\n./b", "the '&' in the middle of the line"),
        ("./a; disown", "the ';' between commands"),
        ("./a\ndisown", "the line break between two commands"),
        ("./a $!", "the variable '$!' outside '… & echo $! > FILE' needs a shell"),
        ("echo $! > pid", "the variable '$!' outside"),
        ("nohup python train.py > train_$(date +%F).log 2>&1 &", "the command substitution '$(date +%F)'"),
        ("nohup ./server 2>&1 | tee server.log &", "use --shell './server 2>&1 | tee server.log'"),
        ("export A=1\nnohup ./a &", "the line break between two commands"),
    ] as [(String, String)])
    func staysTheShells(_ line: String, _ message: String) {
        let error = #expect(throws: UnitifyError.self) { try ShellLine.parse(line, in: LineSite()) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("--shell") == true)
    }
}
