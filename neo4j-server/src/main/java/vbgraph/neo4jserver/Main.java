package vbgraph.neo4jserver;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;

import inet.ipaddr.IPAddressString;

/**
 * An embedded Neo4j Community DBMS that listens for Bolt on 127.0.0.1, with auth disabled.
 * Because any local process can connect, Cypher cannot reach files or the network: LOAD CSV from
 * file URLs is off (and its import folder is an empty one inside the data folder), and LOAD CSV from
 * any IP address is blocked.
 *
 * <pre>
 * java -Xmx1g --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
 *      --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -jar target/vbgraph-neo4j-server.jar --port 7687 --data DIR
 * </pre>
 *
 * Prints one line starting with {@code vbgraph-neo4j-server: ready} once a Bolt handshake on the
 * port succeeds; stops cleanly on SIGTERM / Ctrl-C. Exit codes: 0 stopped, 1 start failed,
 * 2 bad arguments, 3 port already in use.
 */
public final class Main {
    static final String PREFIX = "vbgraph-neo4j-server: ";
    static final String HOST = "127.0.0.1";
    static final long MAX_PAGECACHE_MIB = 512;

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        int port = parsePort(System.getenv().getOrDefault("VBGRAPH_NEO4J_PORT", "7687"));
        String data = System.getenv("VBGRAPH_NEO4J_DATA");
        long pagecacheMib = 256;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> port = parsePort(value(args, ++i, arg));
                case "--data" -> data = value(args, ++i, arg);
                case "--pagecache-mib" -> pagecacheMib = parseLong(value(args, ++i, arg), arg);
                case "-h", "--help" -> {
                    out.println("usage: java -jar vbgraph-neo4j-server.jar [--port P] [--data DIR] [--pagecache-mib N]");
                    out.println("  --port P           Bolt port on 127.0.0.1 (env VBGRAPH_NEO4J_PORT, default 7687)");
                    out.println("  --data DIR         Neo4j home: databases, transaction logs, logs/debug.log");
                    out.println("                     (env VBGRAPH_NEO4J_DATA, default a temp folder removed at exit)");
                    out.println("  --pagecache-mib N  page cache in MiB, at most " + MAX_PAGECACHE_MIB + " (default 256)");
                    System.exit(0);
                }
                default -> usageError("unknown argument: " + arg);
            }
        }
        if (pagecacheMib < 8 || pagecacheMib > MAX_PAGECACHE_MIB) {
            usageError("--pagecache-mib must be between 8 and " + MAX_PAGECACHE_MIB);
        }

        if (!portFree(port)) {
            System.err.println(PREFIX + "error: port " + port + " on " + HOST
                    + " is already in use (another Neo4j?); choose another with --port");
            System.exit(3);
        }

        boolean temporary = data == null || data.isBlank();
        Path home;
        Path imports;
        try {
            home = temporary ? Files.createTempDirectory("vbgraph-neo4j-") : Path.of(data).toAbsolutePath();
            Files.createDirectories(home);
            imports = Files.createDirectories(home.resolve("import"));
        } catch (IOException e) {
            System.err.println(PREFIX + "error: cannot create data folder: " + e);
            System.exit(1);
            return;
        }

        long started = System.nanoTime();
        out.println(PREFIX + "starting Neo4j on bolt://" + HOST + ":" + port + " data=" + home
                + (temporary ? " (temporary)" : ""));
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setUserLogProvider(new Log4jLogProvider(out))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    // auth is off, so no Cypher may read the machine's files or fetch from the network
                    .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                    .setConfig(GraphDatabaseSettings.load_csv_file_url_root, imports)
                    .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                            List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                    // no usage reports: this runs on machines without Internet access
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMib))
                    // test and dev data: do not reserve 256 MiB of transaction log up front
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // Bolt's two Netty groups each wait a 5 s quiet period at shutdown; a dev/test
                    // server has no traffic to drain (Neo4j's own test builder uses 0 as well)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (RuntimeException e) {
            System.err.println(PREFIX + "error: Neo4j failed to start: " + e);
            e.printStackTrace();
            if (temporary) {
                deleteTree(home);
            }
            System.exit(1);
            return;
        }

        final DatabaseManagementService service = dbms;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println(PREFIX + "stopping");
            try {
                service.shutdown();
            } catch (RuntimeException e) {
                System.err.println(PREFIX + "error during shutdown: " + e);
            }
            if (temporary) {
                deleteTree(home);
            }
            out.println(PREFIX + "stopped");
            out.flush();
        }, "vbgraph-neo4j-shutdown"));

        try {
            GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(120_000)) {
                throw new IllegalStateException("database 'neo4j' not available after 120 s");
            }
            String version = db.executeTransactionally(
                    "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of(),
                    result -> String.valueOf(result.next().get("v")));
            int bolt = waitForBolt(port, 60_000);
            long ms = (System.nanoTime() - started) / 1_000_000;
            out.println(PREFIX + "ready bolt://" + HOST + ":" + port + " neo4j=" + version
                    + " bolt=" + (bolt & 0xff) + "." + ((bolt >> 8) & 0xff)
                    + " pid=" + ProcessHandle.current().pid() + " started_in_ms=" + ms);
            out.flush();
        } catch (Exception e) {
            System.err.println(PREFIX + "error: Neo4j started but is not usable: " + e);
            e.printStackTrace();
            System.exit(1); // the shutdown hook stops the DBMS
        }

        try {
            Thread.currentThread().join(); // until SIGTERM / SIGINT runs the shutdown hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Does a Bolt handshake until the server agrees on a version; returns it (minor<<8 | major). */
    static int waitForBolt(int port, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 2_000);
                socket.setSoTimeout(5_000);
                OutputStream o = socket.getOutputStream();
                // magic, then four proposals: 5.0-5.8 (range), 4.4, 4.3, none
                o.write(new byte[] {(byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17,
                    0, 8, 8, 5, 0, 0, 4, 4, 0, 0, 3, 4, 0, 0, 0, 0});
                o.flush();
                int agreed = new DataInputStream(socket.getInputStream()).readInt();
                if (agreed != 0) {
                    return agreed;
                }
                last = new IOException("server refused all proposed Bolt versions");
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IOException("Bolt did not answer on " + HOST + ":" + port + " within " + timeoutMs + " ms", last);
    }

    static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println(PREFIX + "could not remove " + root + ": " + e);
        }
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usageError(option + " needs a value");
        }
        return args[i];
    }

    static int parsePort(String s) {
        long p = parseLong(s, "port");
        if (p < 1 || p > 65535) {
            usageError("port must be 1..65535, got " + s);
        }
        return (int) p;
    }

    static long parseLong(String s, String what) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            usageError(what + ": not a number: " + s);
            return 0;
        }
    }

    static void usageError(String message) {
        System.err.println(PREFIX + "error: " + message + " (see --help)");
        System.exit(2);
    }
}
