import Systemd
import UnitifyCore

extension Linger {
    /// `ensure` on another host, for the user unitify logs in as there: without linger, the job
    /// would stop when unitify's ssh session ends (`UserStopDelaySec=`, 10 s by default). logind
    /// is asked over that host's system bus, which `systemd-stdio-bridge` (given no address, the
    /// system bus) relays through ssh, as the manager's bus is relayed.
    public static func ensure(enable: Bool, on reached: RemoteTarget) -> Outcome {
        guard !reached.answer.lingers else { return .unneeded }
        let session: RemoteSession
        do throws(SystemBusFailure) {
            session = try reached.connection.connectSystemBus()
        } catch {
            switch error {
            case .noBus: return .unneeded  // no logind: nothing stops the manager at logout, as here
            case .failed(let reason): return .refused(reason)
            }
        }
        defer { session.end() }
        guard let bus = session.bus else { return .refused("no system bus there") }
        return ensure(enable: enable, on: bus, uid: reached.answer.uid, lingerFileExists: false)
    }
}

extension RemoteTarget {
    /// Where logind will not let the user linger, the job is not started: it would stop when
    /// unitify's ssh session ends, a few seconds later. `--no-linger` (`enable` false) starts it
    /// anyway, with a warning.
    public func ensureLinger(_ enable: Bool, for unit: String, quiet: Bool, into report: inout TargetReport) throws(UnitifyError) {
        let outcome = Linger.ensure(enable: enable, on: self)
        let user = answer.user
        if case .refused(let reason) = outcome { throw Linger.refusedOverSSH(user: user, unit: unit, reason: reason) }
        guard let line = Linger.report(outcome, unit: unit, user: user), !(outcome == .enabled && quiet) else { return }
        report.notes.append(line)
    }
}

extension Linger {
    /// A job started over ssh without linger would stop with unitify's ssh session: refused.
    static func refusedOverSSH(user: String, unit: String, reason: String) -> UnitifyError {
        .failed("linger is off for \(user) there and cannot be enabled (\(reason)), so \(UnitName.shortName(unit)) would stop when unitify's ssh session ends: ask an administrator there to run 'loginctl enable-linger \(user)', or add --no-linger to start it anyway")
    }
}

/// Why the system bus of another host could not be reached.
enum SystemBusFailure: Error {
    case noBus
    case failed(String)
}

extension SSHConnection {
    /// The host's system bus, through `systemd-stdio-bridge`, after one line that says whether
    /// there is one.
    func connectSystemBus() throws(SystemBusFailure) -> RemoteSession {
        let script = """
            command -v systemd-stdio-bridge >/dev/null 2>&1 || { echo 'unitify-system no-bridge'; exit 127; }
            [ -S /run/dbus/system_bus_socket ] || { echo 'unitify-system no-bus'; exit 3; }
            echo 'unitify-system ok'; exec systemd-stdio-bridge
            """
        let session: RemoteSession
        do {
            session = try RemoteSession.spawn(arguments(remoteCommand: "exec /bin/sh -c " + ShellWords.quote(script)), host: host)
        } catch {
            throw .failed(error.message)
        }
        switch session.readLine(timeoutSeconds: timeout + 5) {
        case "unitify-system ok":
            do {
                try session.attachBus(throughBroker: true)
            } catch {
                throw .failed(session.failure(unexpected: nil, busError: error))
            }
            return session
        case "unitify-system no-bus":
            session.end()
            throw .noBus
        case "unitify-system no-bridge":
            session.end()
            throw .failed("systemd-stdio-bridge is not on the PATH there")
        case let line:
            throw .failed(session.failure(unexpected: line))
        }
    }
}
