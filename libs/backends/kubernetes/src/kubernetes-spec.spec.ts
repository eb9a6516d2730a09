import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterSpec, ClusterSpecDraft } from '@galera-cp/backends';
import { KUBERNETES_SPEC_RULES, kubernetesCredentialOf, kubernetesSpecDefaults } from './kubernetes-spec';

const shared: Omit<ClusterSpecDraft, 'replicas'> = {
  backend: 'kubernetes',
  engine: { flavor: 'mariadb', version: '10.11' },
  galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: {} },
  policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
};

describe('Kubernetes spec rules', () => {
  test('defaults: three members, namespace default, image mariadb:10.11, 10Gi; given fields stay', () => {
    assert.deepEqual(kubernetesSpecDefaults({ ...shared, kubernetes: {} }), { replicas: 3, kubernetes: { namespace: 'default', image: 'mariadb:10.11', storageSize: '10Gi' } });
    assert.deepEqual(kubernetesSpecDefaults({ ...shared, replicas: 5, kubernetes: { namespace: 'db', storageClassName: 'fast', credentialId: 'cr_k' } }), {
      replicas: 5,
      kubernetes: { credentialId: 'cr_k', namespace: 'db', image: 'mariadb:10.11', storageSize: '10Gi', storageClassName: 'fast' },
    });
    assert.deepEqual(kubernetesSpecDefaults({ ...shared }), { replicas: 3 }, 'no section: none is made up');
  });

  test('the credential is a kubeconfig, or none (in-cluster configuration)', () => {
    const spec = { ...shared, replicas: 3, kubernetes: { namespace: 'db', image: 'mariadb:10.11', storageSize: '10Gi' } } as ClusterSpec;
    assert.equal(kubernetesCredentialOf(spec), undefined);
    assert.deepEqual(kubernetesCredentialOf({ ...spec, kubernetes: { ...spec.kubernetes!, credentialId: 'cr_k' } }), { id: 'cr_k', pointer: '/kubernetes/credentialId', kinds: ['kubeconfig'] });
  });

  test('pods are its hosts: no inventory to grow, no addresses to claim, no host keys', () => {
    assert.equal(KUBERNETES_SPEC_RULES.capabilities.providesHosts, true);
    assert.equal(KUBERNETES_SPEC_RULES.addMember, undefined);
    assert.equal(KUBERNETES_SPEC_RULES.occupiedAddresses, undefined);
    assert.equal(KUBERNETES_SPEC_RULES.pinHostKeys, undefined);
  });
});
