package rally.testnode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.Version;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.network.NetworkAddress;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.geo.GeoModulePlugin;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.rankeval.RankEvalPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.ingest.common.IngestCommonPlugin;
import org.opensearch.join.ParentJoinPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.percolator.PercolatorPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.script.expression.ExpressionPlugin;
import org.opensearch.script.mustache.MustachePlugin;
import org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single embedded OpenSearch node for rally's integration tests.
 *
 * <p>Usage: {@code TestNode HOME_DIR ADDRESS_FILE [-Ekey=value ...]}
 *
 * <p>The node keeps all its files (data, logs, config) under HOME_DIR, binds HTTP and transport to free
 * loopback ports, and once started writes its bound HTTP address ({@code 127.0.0.1:PORT}) to ADDRESS_FILE
 * atomically (temporary file + rename). SIGTERM (or any JVM shutdown) closes the node cleanly and removes
 * ADDRESS_FILE. Extra {@code -Ekey=value} arguments override or add node settings.
 *
 * <p>OpenSearch's modules are loaded as classpath plugins (they are ordinary jars from Maven Central here,
 * not bundles in a distribution's {@code modules/} directory), which is what {@link Node}'s protected
 * constructor is for.
 */
public final class TestNode {

    /** The distribution modules available on Maven Central that this node loads. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,            // transport-netty4-client: HTTP and transport layer
        CommonAnalysisPlugin.class,    // analysis-common: the standard analyzers, tokenizers, filters
        PainlessPlugin.class,          // lang-painless
        ExpressionPlugin.class,        // lang-expression
        MustachePlugin.class,          // lang-mustache-client: search templates
        MapperExtrasPlugin.class,      // mapper-extras-client: scaled_float, token_count, rank_feature, ...
        ReindexPlugin.class,           // reindex-client: _reindex, _update_by_query, _delete_by_query
        ParentJoinPlugin.class,        // parent-join-client: join field, has_child / has_parent
        PercolatorPlugin.class,        // percolator-client
        MatrixAggregationPlugin.class, // aggs-matrix-stats-client
        RankEvalPlugin.class,          // rank-eval-client
        IngestCommonPlugin.class,      // ingest-common: the common ingest processors
        GeoModulePlugin.class          // geo: geo_shape, geo aggregations
    );

    /**
     * Logging: INFO and above to HOME_DIR/logs/opensearch.log, WARN and above also to stderr, deprecation
     * warnings (expected from tests exercising old APIs) to the file only. Written to
     * HOME_DIR/config/log4j2.properties unless -Dlog4j2.configurationFile is given.
     */
    static final String LOG4J2_PROPERTIES = String.join("\n",
        "status = error",
        "name = rally-testnode",
        "appender.file.type = File",
        "appender.file.name = file",
        "appender.file.fileName = @LOG_FILE@",
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n",
        "appender.stderr.type = Console",
        "appender.stderr.name = stderr",
        "appender.stderr.target = SYSTEM_ERR",
        "appender.stderr.filter.threshold.type = ThresholdFilter",
        "appender.stderr.filter.threshold.level = warn",
        "appender.stderr.layout.type = PatternLayout",
        "appender.stderr.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.file.ref = file",
        "rootLogger.appenderRef.stderr.ref = stderr",
        "logger.deprecation.name = org.opensearch.deprecation",
        "logger.deprecation.level = warn",
        "logger.deprecation.additivity = false",
        "logger.deprecation.appenderRef.file.ref = file",
        "");

    /** {@link Node} with classpath plugins; its constructor doing so is protected. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> classpathPlugins) {
            super(environment, classpathPlugins, true);
        }
    }

    private TestNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TestNode HOME_DIR ADDRESS_FILE [-Ekey=value ...]");
            System.exit(2);
        }
        final Path home = Paths.get(args[0]).toAbsolutePath().normalize();
        final Path addressFile = Paths.get(args[1]).toAbsolutePath().normalize();
        for (String dir : new String[] { "config", "data", "logs", "plugins", "modules", "tmp" }) {
            Files.createDirectories(home.resolve(dir));
        }
        Files.deleteIfExists(addressFile);

        // All of this must happen before the first logger is created.
        if (System.getProperty("log4j2.configurationFile") == null) {
            final Path log4jConfig = home.resolve("config").resolve("log4j2.properties");
            Files.write(log4jConfig, LOG4J2_PROPERTIES.replace("@LOG_FILE@",
                home.resolve("logs").resolve("opensearch.log").toString()).getBytes(StandardCharsets.UTF_8));
            System.setProperty("log4j2.configurationFile", log4jConfig.toString());
        }
        setDefaultProperty("log4j.shutdownHookEnabled", "false"); // our hook closes the node, then logging
        setDefaultProperty("log4j2.disable.jmx", "true");
        // Netty would otherwise fix its processor count JVM-wide; a second setter (another node) would fail.
        setDefaultProperty("opensearch.set.netty.runtime.available.processors", "false");
        setDefaultProperty("io.netty.noUnsafe", "true");
        setDefaultProperty("io.netty.noKeySetOptimization", "true");
        setDefaultProperty("io.netty.recycler.maxCapacityPerThread", "0");
        setDefaultProperty("jna.nosys", "true");
        final Logger logger = LogManager.getLogger(TestNode.class);

        final Settings.Builder builder = Settings.builder()
            .put("cluster.name", "rally-test")
            .put("node.name", "rally-test-node")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", "0")      // a free port chosen by the kernel: no races between nodes
            .put("transport.port", "0")
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("bootstrap.memory_lock", false)
            .put("node.portsfile", false);
        for (int i = 2; i < args.length; i++) {
            final String arg = args[i];
            final int eq = arg.indexOf('=');
            if (!arg.startsWith("-E") || eq < 3) {
                System.err.println("unexpected argument (want -Ekey=value): " + arg);
                System.exit(2);
            }
            builder.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        final Settings settings = builder.build();

        final AtomicReference<Node> nodeRef = new AtomicReference<>();
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(addressFile);
            } catch (IOException e) {
                // nothing to do: callers also check that the process is alive
            }
            try {
                final Node node = nodeRef.get();
                if (node != null) {
                    logger.info("shutting down");
                    node.close();
                    if (!node.awaitClose(20, TimeUnit.SECONDS)) {
                        logger.warn("node did not close within 20s");
                    }
                    logger.info("closed");
                }
            } catch (Exception e) {
                logger.error("failed to close the node", e);
            } finally {
                closed.countDown();
                LogManager.shutdown();
            }
        }, "rally-testnode-shutdown"));

        try {
            final Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings, Collections.emptyMap(), home.resolve("config"), () -> "rally-test-node");
            final Node node = new EmbeddedNode(environment, PLUGINS);
            nodeRef.set(node);
            node.start();
            final HttpServerTransport http = node.injector().getInstance(HttpServerTransport.class);
            final TransportAddress published = http.boundAddress().publishAddress();
            final String address = NetworkAddress.format(published.address());
            writeAtomically(addressFile, address + "\n");
            logger.info("OpenSearch {} test node started, HTTP on {} (address in {})",
                Version.CURRENT, address, addressFile);
        } catch (Throwable t) {
            logger.error("failed to start the node", t);
            System.err.println("rally test node failed to start: " + t);
            System.exit(1); // runs the shutdown hook, which closes whatever was started
        }
        closed.await(); // keeps the JVM alive until the shutdown hook has closed the node
    }

    private static void setDefaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void writeAtomically(Path target, String content) {
        final Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
