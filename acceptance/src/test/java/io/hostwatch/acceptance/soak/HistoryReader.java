package io.hostwatch.acceptance.soak;

import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * Reads a group's complete verdict history straight from ZooKeeper: every entry under
 * {@code /hostwatch/history/{group}/{host}} and the current verdict of every member (see
 * docs/zk-schema.md), as the leader wrote them.
 */
final class HistoryReader {
    private HistoryReader() {
    }

    static List<Verdict> read(String connect, String group) throws Exception {
        try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000).retryPolicy(new ExponentialBackoffRetry(200, 5))
                .zkClientConfig(Protection.readerClientConfig()).build()) {
            zk.start();
            if (!zk.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot reach ZooKeeper at " + connect + " to read the history");
            }
            List<Verdict> out = new ArrayList<>();
            for (String host : children(zk, ZkPaths.historyGroup(group))) {
                String base = ZkPaths.history(new MemberId(group, host));
                for (String entry : children(zk, base)) {
                    out.add(Json.read(zk.getData().forPath(base + "/" + entry), Verdict.class));
                }
            }
            for (String host : children(zk, ZkPaths.verdictGroup(group))) {
                out.add(Json.read(zk.getData().forPath(ZkPaths.verdict(new MemberId(group, host))), Verdict.class));
            }
            return out;
        }
    }

    private static List<String> children(CuratorFramework zk, String path) throws Exception {
        try {
            return zk.getChildren().forPath(path).stream().sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }
}
