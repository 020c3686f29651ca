package org.scmi.transport.xen.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The simulated store's data: a tree of nodes with values and permissions, the semantics of C
 * xenstored (write creates parents, rm removes subtrees, new nodes inherit their parent's
 * permissions, an unprivileged creator becomes the owner). Every change is stamped with a
 * generation so that transactions can detect conflicts. Not thread-safe: the server serialises.
 */
final class XenStoreTree {
    /** XenStore errors, by the errno names the wire carries. */
    static final class StoreError extends Exception {
        private static final long serialVersionUID = 1L;

        StoreError(String errnoName) {
            super(errnoName, null, false, false);
        }
    }

    static final String ENOENT = "ENOENT";
    static final String EINVAL = "EINVAL";
    static final String EACCES = "EACCES";
    static final String EEXIST = "EEXIST";
    private static final Pattern ABSOLUTE = Pattern.compile("/|(/[A-Za-z0-9_@-]+)+");
    private static final int PRIVILEGED = 0;

    /** One permission entry: access letter (r, w, b, n) and a domid. */
    record Permission(char access, int domid) {
        static Permission parse(String text) throws StoreError {
            if (text.length() < 2 || "rwbn".indexOf(text.charAt(0)) < 0) {
                throw new StoreError(EINVAL);
            }
            try {
                return new Permission(text.charAt(0), Integer.parseInt(text.substring(1)));
            } catch (NumberFormatException e) {
                throw new StoreError(EINVAL);
            }
        }

        boolean reads() {
            return access == 'r' || access == 'b';
        }

        boolean writes() {
            return access == 'w' || access == 'b';
        }

        @Override
        public String toString() {
            return access + Integer.toString(domid);
        }
    }

    private static final class Node {
        byte[] value = new byte[0];
        List<Permission> permissions;
        final LinkedHashMap<String, Node> children = new LinkedHashMap<>();

        Node(List<Permission> permissions) {
            this.permissions = permissions;
        }

        Node copy() {
            Node copy = new Node(permissions);
            copy.value = value;
            children.forEach((name, child) -> copy.children.put(name, child.copy()));
            return copy;
        }
    }

    private final Node root;
    private final Map<String, Long> changedAt;
    private long generation;

    XenStoreTree() {
        this.root = new Node(List.of(new Permission('n', PRIVILEGED)));
        this.changedAt = new HashMap<>();
    }

    private XenStoreTree(XenStoreTree original) {
        this.root = original.root.copy();
        this.changedAt = new HashMap<>();
        this.generation = original.generation;
    }

    /** An independent copy (a transaction's view). */
    XenStoreTree snapshot() {
        return new XenStoreTree(this);
    }

    long generation() {
        return generation;
    }

    /** Whether {@code path} (or its child list) changed after {@code since}. */
    boolean changedSince(String path, long since) {
        return changedAt.getOrDefault(path, Long.MIN_VALUE) > since;
    }

    static void checkPath(String path) throws StoreError {
        if (path.length() > org.scmi.transport.xen.xenstore.XsWire.ABS_PATH_MAX || !ABSOLUTE.matcher(path).matches()) {
            throw new StoreError(EINVAL);
        }
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String[] components(String path) {
        return "/".equals(path) ? new String[0] : path.substring(1).split("/");
    }

    private Node find(String path) {
        Node node = root;
        for (String name : components(path)) {
            node = node.children.get(name);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private Node existing(String path) throws StoreError {
        checkPath(path);
        Node node = find(path);
        if (node == null) {
            throw new StoreError(ENOENT);
        }
        return node;
    }

    private Node nearestExisting(String path) {
        String at = path;
        Node node = find(at);
        while (node == null) {
            at = parentOf(at);
            node = find(at);
        }
        return node;
    }

    private static Permission accessOf(Node node, int domid) {
        Permission owner = node.permissions.get(0);
        if (owner.domid() == domid) {
            return new Permission('b', domid);
        }
        for (int i = 1; i < node.permissions.size(); i++) {
            if (node.permissions.get(i).domid() == domid) {
                return node.permissions.get(i);
            }
        }
        return owner;
    }

    private static void checkRead(Node node, int domid) throws StoreError {
        if (domid != PRIVILEGED && !accessOf(node, domid).reads()) {
            throw new StoreError(EACCES);
        }
    }

    private static void checkWrite(Node node, int domid) throws StoreError {
        if (domid != PRIVILEGED && !accessOf(node, domid).writes()) {
            throw new StoreError(EACCES);
        }
    }

    private void stamp(String path) {
        generation++;
        changedAt.put(path, generation);
        changedAt.put(parentOf(path), generation);
    }

    private void stampSubtree(String path, Node node) {
        stamp(path);
        node.children.forEach((name, child) -> stampSubtree(("/".equals(path) ? "" : path) + "/" + name, child));
    }

    byte[] read(int domid, String path) throws StoreError {
        Node node = existing(path);
        checkRead(node, domid);
        return node.value;
    }

    List<String> directory(int domid, String path) throws StoreError {
        Node node = existing(path);
        checkRead(node, domid);
        return new ArrayList<>(node.children.keySet());
    }

    List<String> permissions(int domid, String path) throws StoreError {
        Node node = existing(path);
        checkRead(node, domid);
        return node.permissions.stream().map(Permission::toString).toList();
    }

    /** Creates the node and missing parents; returns the paths created (parents first). */
    private List<String> create(int domid, String path) throws StoreError {
        checkPath(path);
        checkWrite(nearestExisting(path), domid);
        List<String> created = new ArrayList<>();
        Node node = root;
        StringBuilder at = new StringBuilder();
        for (String name : components(path)) {
            at.append('/').append(name);
            Node child = node.children.get(name);
            if (child == null) {
                List<Permission> inherited = new ArrayList<>(node.permissions);
                if (domid != PRIVILEGED) {
                    inherited.set(0, new Permission(inherited.get(0).access(), domid));
                }
                child = new Node(List.copyOf(inherited));
                node.children.put(name, child);
                created.add(at.toString());
                stamp(at.toString());
            }
            node = child;
        }
        return created;
    }

    /** Returns the changed paths (watches fire for each). */
    List<String> write(int domid, String path, byte[] value) throws StoreError {
        List<String> changed = create(domid, path);
        Node node = find(path);
        checkWrite(node, domid);
        node.value = value.clone();
        stamp(path);
        if (!changed.contains(path)) {
            changed.add(path);
        }
        return changed;
    }

    List<String> mkdir(int domid, String path) throws StoreError {
        return create(domid, path);
    }

    /** Removes a subtree; returns the removed path, or nothing if it was already absent. */
    List<String> rm(int domid, String path) throws StoreError {
        checkPath(path);
        if ("/".equals(path)) {
            throw new StoreError(EINVAL);
        }
        Node node = find(path);
        if (node == null) {
            if (find(parentOf(path)) == null) {
                throw new StoreError(ENOENT);
            }
            return List.of();
        }
        checkWrite(node, domid);
        find(parentOf(path)).children.remove(path.substring(path.lastIndexOf('/') + 1));
        stampSubtree(path, node);
        return List.of(path);
    }

    List<String> setPermissions(int domid, String path, List<String> permissions) throws StoreError {
        Node node = existing(path);
        checkWrite(node, domid);
        if (permissions.isEmpty()) {
            throw new StoreError(EINVAL);
        }
        List<Permission> parsed = new ArrayList<>();
        for (String text : permissions) {
            parsed.add(Permission.parse(text));
        }
        if (domid != PRIVILEGED && parsed.get(0).domid() != node.permissions.get(0).domid()) {
            throw new StoreError(EACCES); // only the privileged domain hands a node to another owner
        }
        node.permissions = List.copyOf(parsed);
        stamp(path);
        return List.of(path);
    }

    /** Every existing path of the subtree at {@code path}, depth first (for dumps and tests). */
    List<String> paths(String path) {
        List<String> out = new ArrayList<>();
        Node node = find(path);
        if (node != null) {
            collect(path, node, out);
        }
        return out;
    }

    private static void collect(String path, Node node, List<String> out) {
        out.add(path);
        node.children.forEach((name, child) -> collect(("/".equals(path) ? "" : path) + "/" + name, child, out));
    }
}
