package dev.patroni4j.client.dcs;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One key and its value as a DCS stores it, before Patroni's meaning is read into it.
 *
 * <p>DCS implementations hand these to {@link ClusterSnapshot#fromEntries}; users see them for values that could
 * not be read ({@link DcsProblem#entry()}). {@link #toString()} shows the key and the size of the value, never the
 * value itself: old Patroni versions wrote connection URLs with passwords.
 *
 * @param key the full key, e.g. {@code /service/demo/leader} (etcd) or {@code service/demo/leader} (Consul)
 * @param value the value as UTF-8 text
 * @param version the store's version of this key: etcd {@code mod_revision}, Consul {@code ModifyIndex}; the value
 *     to pass to compare-and-set writes
 * @param owner the etcd lease (as a decimal number) or Consul session that owns the key, if any
 */
public record DcsEntry(String key, String value, long version, @Nullable String owner) {

  public DcsEntry {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(value, "value == null");
  }

  @Override
  public String toString() {
    return "DcsEntry[key=" + key + ", version=" + version + ", value=<" + value.length() + " chars>"
        + (owner == null ? "" : ", owner=" + owner) + "]";
  }
}
