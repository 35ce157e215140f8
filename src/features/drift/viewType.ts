import { WebviewTypes } from '../ids';

/** View type of the drift panels (also the panel serializer's key and activation event `onWebviewPanel:xlens.drift`). */
export const DRIFT_VIEW_TYPE = WebviewTypes.drift;
