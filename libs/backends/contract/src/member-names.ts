/** The name of the member with the given ordinal: `<cluster>-<ordinal>`, as a StatefulSet names its pods. */
export function memberName(clusterName: string, ordinal: number): string {
  return `${clusterName}-${ordinal}`;
}
