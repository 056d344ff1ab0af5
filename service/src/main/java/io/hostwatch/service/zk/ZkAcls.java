package io.hostwatch.service.zk;

import io.hostwatch.schema.MemberId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * Who may do what in hostwatch's tree, in the spirit of Kubernetes' NodeRestriction: the service
 * identity writes everything it owns (verdicts, history, epoch, brakes, maintenance, Nova records,
 * enrollments); a member host may create and delete children only under its own enrollment node
 * (its heartbeat); everyone connected (every client holds a certificate of the CA, the ensemble
 * enforces it) reads. Without TLS there are no identities and every ACL is open.
 */
public final class ZkAcls {
    private static final String X509 = "x509";

    private final String serviceIdentity;
    private final String hostIdentityTemplate;

    /**
     * @param serviceIdentity the service's subject DN; {@code null} for an unprotected set-up
     * @param hostIdentityTemplate a host's subject DN with {@code {host}} for its name
     */
    public ZkAcls(String serviceIdentity, String hostIdentityTemplate) {
        this.serviceIdentity = serviceIdentity;
        this.hostIdentityTemplate = hostIdentityTemplate;
    }

    /** Open ACLs: an unprotected set-up. */
    public static ZkAcls open() {
        return new ZkAcls(null, "CN={host}");
    }

    public boolean isProtected() {
        return serviceIdentity != null;
    }

    /** The ZooKeeper identity of a member host. */
    public String hostIdentity(String host) {
        return hostIdentityTemplate.replace("{host}", host);
    }

    /** Everything the service creates: service ALL, everyone READ. */
    public List<ACL> service() {
        if (!isProtected()) {
            return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }
        return acl(new ACL(ZooDefs.Perms.ALL, new Id(X509, serviceIdentity)),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    /** A member's enrollment node: service ALL, the host CREATE and DELETE (of its heartbeat), everyone READ. */
    public List<ACL> enrollment(MemberId id) {
        if (!isProtected()) {
            return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }
        return acl(new ACL(ZooDefs.Perms.ALL, new Id(X509, serviceIdentity)),
                new ACL(ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE, new Id(X509, hostIdentity(id.host()))),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    /** An unmodifiable list that tolerates {@code contains(null)}, which ZooKeeper's client asks. */
    private static List<ACL> acl(ACL... entries) {
        return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(entries)));
    }

    /** For the service's Curator client: every node it creates (parents included) gets {@link #service()}. */
    public ACLProvider provider() {
        List<ACL> acl = service();
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }
}
