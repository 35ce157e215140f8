import { WebviewTypes } from '../commands';

/** View type of the drift panels (also the panel serializer's key and activation event `onWebviewPanel:xlens.drift`). */
export const DRIFT_VIEW_TYPE = WebviewTypes.drift;
