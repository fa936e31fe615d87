package dev.patroni4j.client.dcs;

import dev.patroni4j.client.model.Member;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code members/<name>} key: what one Patroni node last published about itself, as the shared model's
 * {@link Member} (the type the REST client returns too), with the key's version and owner.
 *
 * <p>{@link Member#role()} is the member's own role as it wrote it ({@code master}/{@code primary},
 * {@code replica}, {@code standby_leader}); {@link ClusterSnapshot#toClusterView()} works out the cluster roles
 * ({@code leader}, {@code sync_standby}, ...) as {@code GET /cluster} shows them. Values in the legacy form (a bare
 * {@code postgres://...?application_name=<api url>} URL) yield the connection and REST URLs only, with role and
 * state {@code unknown}; a password in such a URL is dropped.
 *
 * @param member the member's data
 * @param version the key's version (etcd {@code mod_revision}, Consul {@code ModifyIndex})
 * @param owner the etcd lease (decimal) or Consul session that keeps the key alive
 */
public record DcsMember(Member member, long version, @Nullable String owner) {

  public DcsMember {
    Objects.requireNonNull(member, "member == null");
  }

  /** The member name. */
  public String name() {
    return member.name();
  }
}
