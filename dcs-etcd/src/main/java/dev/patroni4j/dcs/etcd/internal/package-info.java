/** jetcd plumbing behind {@link dev.patroni4j.dcs.etcd.EtcdDcsClient}; not public API. */
@NullMarked
package dev.patroni4j.dcs.etcd.internal;

import org.jspecify.annotations.NullMarked;
