import Testing
@testable import UnitifyCore

@Suite struct AnsibleInventoryTests {
    static let ini = """
        # hosts before any section are ungrouped
        loose.example.com

        [web]
        web[01:03]
        edge ansible_host=10.0.0.9 ansible_port=2222 ansible_user=deploy  # inline comment
        db-old:2200

        [db]
        db-[a:b] ansible_user="dba"

        [web:vars]
        ansible_user=www
        http_port=80

        [prod:children]
        web
        db

        [prod:vars]
        ansible_port = 2201
        """

    func hosts(_ inventory: AnsibleInventory, _ group: String) throws -> [String] {
        try inventory.hosts(of: group).map(\.description)
    }

    /// Groups, ranges, host:port, the three variables on a host line and in [group:vars], a
    /// child's vars over its parent's, and the host's own over both.
    @Test func iniGroupsChildrenVarsAndRanges() throws {
        let inventory = try AnsibleInventory(text: Self.ini, path: "hosts")
        #expect(try hosts(inventory, "web") == ["www@web01:2201", "www@web02:2201", "www@web03:2201", "deploy@10.0.0.9:2222", "www@db-old:2200"])
        #expect(try hosts(inventory, "db") == ["dba@db-a:2201", "dba@db-b:2201"])
        #expect(try hosts(inventory, "prod").count == 7)
        #expect(try hosts(inventory, "ungrouped") == ["loose.example.com"])
        #expect(try hosts(inventory, "all").first == "loose.example.com")
        #expect(try hosts(inventory, "all").count == 8)
        #expect(inventory.groups == ["all", "ungrouped", "web", "db", "prod"])
    }

    static let yaml = """
        ---
        all:
          hosts:
            loose.example.com:
          vars:
            ansible_user: admin
          children:
            web:
              hosts:
                web1:
                web2:
                  ansible_host: 192.0.2.2   # a comment
                  ansible_port: 2222
                  http_port: 80
              vars:
                ansible_user: "www"
            db:
              hosts:
                db1: {}
              children:
                replicas:
                  hosts:
                    db2:
                      ansible_user: 'replica'
        """

    /// The YAML form: hosts under all, children nested, vars per group and per host, quotes.
    @Test func yamlGroupsChildrenAndVars() throws {
        let inventory = try AnsibleInventory(text: Self.yaml, path: "inventory.yml")
        let web = try hosts(inventory, "web")
        #expect(web == ["www@web1", "www@192.0.2.2:2222"], "\(web)")
        #expect(try hosts(inventory, "db") == ["admin@db1", "replica@db2"])
        #expect(try hosts(inventory, "replicas") == ["replica@db2"])
        #expect(try hosts(inventory, "ungrouped") == ["admin@loose.example.com"])
        #expect(try hosts(inventory, "all") == ["admin@loose.example.com", "www@web1", "www@192.0.2.2:2222", "admin@db1", "replica@db2"])
    }

    /// The form is told by the name, else by the first line that says something.
    @Test func yamlIsKnownWithoutItsExtension() throws {
        let inventory = try AnsibleInventory(text: "all:\n  children:\n    web:\n      hosts:\n        w1:\n", path: "/etc/ansible/hosts")
        #expect(try hosts(inventory, "web") == ["w1"])
    }

    /// An unknown group names itself, the inventory and its groups.
    @Test func anUnknownGroupListsTheGroups() throws {
        let inventory = try AnsibleInventory(text: Self.ini, path: "/etc/ansible/hosts")
        #expect(throws: UnitifyError.usage("no group 'webs' in the inventory /etc/ansible/hosts; its groups: all, ungrouped, web, db, prod")) {
            try inventory.hosts(of: "webs")
        }
    }

    /// What the reader does not understand is one line naming the file and the line.
    @Test(arguments: [
        ("[web\nw1\n", "hosts", "hosts:1: '[web' opens a section without closing it with ']'"),
        ("[web:stuff]\n", "hosts", "hosts:1: '[web:stuff]' is not a section: write [GROUP], [GROUP:children] or [GROUP:vars]"),
        ("[web]\nw1 port\n", "hosts", "hosts:2: 'port' after the host is not KEY=VALUE"),
        ("[web]\nw[3:1]\n", "hosts", "hosts:2: 'w[3:1]' is not a host range: write e.g. web[01:10] or db-[a:f]"),
        ("[web]\n-oProxyCommand=x\n", "hosts", "hosts:2: '-oProxyCommand=x' is not a host name"),
        ("[web]\nw1:ssh\n", "hosts", "hosts:2: 'w1:ssh': 'ssh' is not a port"),
        ("[web:vars]\nansible_user\n", "hosts", "hosts:2: 'ansible_user' is not KEY=VALUE in [web:vars]"),
        ("all:\n  hosts:\n    - w1\n", "i.yml", "i.yml:3: a list ('- '): an inventory's hosts, children and vars are mappings ('NAME:')"),
        ("all:\n  hosts:\n    w1: {ansible_port: 22}\n", "i.yml", "i.yml:3: '{ansible_port: 22}': unitify reads plain and quoted values of an inventory, not YAML's flow, anchors, tags or blocks"),
        ("all:\n  servers:\n    w1:\n", "i.yml", "i.yml:2: 'servers' in group 'all': a group holds hosts:, children: and vars:"),
        ("all:\n  hosts:\n    w1:\n   w2:\n", "i.yml", "i.yml:4: 'w2:' is indented more than the key before it holds"),
        ("all:\n\thosts:\n", "i.yml", "i.yml:2: a tab: YAML indents with spaces"),
        ("all:\n  hosts: w1\n", "i.yml", "i.yml:2: 'all: hosts' holds 'w1' where a mapping ('NAME:' lines below it) belongs"),
    ])
    func whatItDoesNotUnderstandIsOneLine(text: String, path: String, message: String) {
        #expect(throws: UnitifyError.usage(message)) { try AnsibleInventory(text: text, path: path) }
    }

    /// A bad port in a variable is said when the host is asked for, naming it and the inventory.
    @Test func aBadPortNamesTheHost() throws {
        let inventory = try AnsibleInventory(text: "[web]\nw1 ansible_port=99999\n", path: "hosts")
        #expect(throws: UnitifyError.usage("host 'w1' in the inventory hosts: ansible_port '99999' is not a port (1-65535)")) {
            try inventory.hosts(of: "web")
        }
    }

    /// `@GROUP` in --host's list stands for the group's hosts, each once, in order.
    @Test func aGroupInTheHostList() throws {
        let inventory = try AnsibleInventory(text: Self.ini, path: "hosts")
        let hosts = try HostAddress.list(["edge-2,@db", "dba@db-a:2201"]) { group throws(UnitifyError) in try inventory.hosts(of: group) }
        #expect(hosts.map(\.description) == ["edge-2", "dba@db-a:2201", "dba@db-b:2201"])
        #expect(throws: UnitifyError.usage("--host @web: no inventory to read groups from")) { try HostAddress.list(["@web"]) }
    }
}
