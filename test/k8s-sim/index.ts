/**
 * A Kubernetes API simulator for tests: a real HTTPS server speaking the Kubernetes REST API for
 * the resources a Galera backend uses, with a StatefulSet controller, a pretend kubelet and fault
 * injection. See README.md.
 */
export { startKubernetesSimulator, type FaultRuleOptions, type KubernetesSimulator, type KubernetesSimulatorOptions, type ReadyDelayTarget, type SimulatedKind } from './simulator';
export type { FaultRule, PodFaultMode, RequestLogEntry, Verb } from './faults';
export type { ControllerAction } from './statefulset-controller';
export type { KubeObject } from './types';
