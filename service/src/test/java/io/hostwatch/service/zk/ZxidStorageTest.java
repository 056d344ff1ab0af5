package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster view's cache storage reports a node re-created with the same data version. */
@Timeout(10)
class ZxidStorageTest {
    private static ChildData node(long czxid, long mzxid, int version, String data) {
        Stat stat = new Stat();
        stat.setCzxid(czxid);
        stat.setMzxid(mzxid);
        stat.setVersion(version);
        return new ChildData("/hostwatch/members/g/h", stat, data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reportsNewNodesChangesAndRecreationButNotReReads() {
        List<String> seen = new ArrayList<>();
        ZxidStorage storage = new ZxidStorage(n -> seen.add(new String(n.getData(), StandardCharsets.UTF_8)));
        storage.put(node(10, 10, 0, "first incarnation"));
        storage.put(node(10, 10, 0, "first incarnation"));      // full re-read after a reconnection: silent
        storage.put(node(10, 12, 1, "first, changed"));
        // deleted and created again while disconnected: version 0 again, like the first one
        storage.put(node(20, 20, 0, "second incarnation"));
        assertThat(seen).containsExactly("first incarnation", "first, changed", "second incarnation");
        assertThat(storage.get("/hostwatch/members/g/h").orElseThrow().getStat().getCzxid()).isEqualTo(20);
    }
}
